export interface PreprocessExecutorOptions {
  prompt: string;
  logicalPrompt?: string;
  pddRoot?: string;
  output: string;
  allowShell?: boolean;
  print?: boolean;
  nxPddVersion?: string;
}
