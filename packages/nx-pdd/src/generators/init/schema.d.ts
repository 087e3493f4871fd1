export interface InitGeneratorSchema {
  promptsDir?: string;
  skipGitignore?: boolean;
}
