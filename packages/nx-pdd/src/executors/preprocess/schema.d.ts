export interface PreprocessExecutorOptions {
  prompt: string;
  pddRoot?: string;
  output: string;
  allowShell?: boolean;
  print?: boolean;
  nxPddVersion?: string;
}
