export interface UnitGeneratorSchema {
  name: string;
  language?: string;
  promptsDir?: string;
  description?: string;
}
