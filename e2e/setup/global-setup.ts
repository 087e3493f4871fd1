import { preparePluginInstall } from '../support/plugin-install';

export default function globalSetup(): void {
  const started = Date.now();
  const dir = preparePluginInstall();
  process.stdout.write(`\n[e2e] nx-pdd installed from this repo into ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
