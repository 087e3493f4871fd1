export default function globalTeardown(): void {
  // The install folder is kept on purpose: it is keyed by the packed tarballs' hash, so the
  // next run reuses it when nothing changed. Temporary workspaces are removed by each test.
}
