/** What the PDD loop derives from a prompt in a given language. */
export type OutputKind = 'code' | 'example' | 'test';

export interface LanguageSpec {
  /** Lower-case id as used in prompt file names: `python`, `typescript`. */
  id: string;
  /** PDD's display name: `Python`, `TypeScript`. */
  name: string;
  /** Line comment marker (`#`, `//`); empty when the format has none. */
  comment: string;
  /** With the dot (`.py`); empty for extension-less files such as Makefile. */
  extension: string;
  /** How to run a file (`{file}` is replaced); absent when the language has no runner. */
  runCommand?: string;
  /** How to run a test file (`{file}` is replaced; `{junit}` too, when `testReport` is set). */
  testCommand?: string;
  /**
   * For languages other than Python, JavaScript and TypeScript: `junit` when `testCommand`
   * writes a JUnit XML report to the path given as `{junit}`; otherwise the tests are judged
   * by the command's exit code alone.
   */
  testReport?: 'junit';
  /** What is derived: code only for data/config formats, code+example+test for programs. */
  outputs: OutputKind[];
}

const ALL: OutputKind[] = ['code', 'example', 'test'];
const CODE_ONLY: OutputKind[] = ['code'];

type Row = [name: string, comment: string, extension: string, run?: string, test?: string, outputs?: OutputKind[]];

/**
 * PDD's language table (`language,comment,extension,run_command,run_test_command,outputs`),
 * the languages PDD users write prompts for. Extend it with the plugin option `languages`.
 */
const ROWS: Row[] = [
  ['Python', '#', '.py', 'python {file}', 'python -m pytest {file} -v'],
  ['TypeScript', '//', '.ts', 'npx tsx {file}', 'npx tsx --test {file}'],
  ['TypeScriptReact', '//', '.tsx', 'npx tsx {file}', 'npx tsx --test {file}'],
  ['JavaScript', '//', '.js', 'node {file}', 'node --test {file}'],
  ['JavaScriptReact', '//', '.jsx', 'node {file}', 'node --test {file}'],
  ['Go', '//', '.go', 'go run {file}', 'go test -v {file}'],
  ['Rust', '//', '.rs', 'cargo run', 'cargo test'],
  ['Java', '//', '.java', 'java {file}', 'mvn test'],
  ['Kotlin', '//', '.kt', 'kotlinc -script {file}', 'gradle test'],
  ['Scala', '//', '.scala', 'scala {file}', 'sbt test'],
  ['CSharp', '//', '.cs', 'dotnet run', 'dotnet test'],
  ['C', '//', '.c', undefined, undefined],
  ['Cpp', '//', '.cpp', undefined, undefined],
  ['Ruby', '#', '.rb', 'ruby {file}', 'ruby {file}'],
  ['PHP', '//', '.php', 'php {file}', 'phpunit {file}'],
  ['Swift', '//', '.swift', 'swift {file}', 'swift test'],
  ['Bash', '#', '.sh', 'bash {file}', 'bash {file}'],
  ['Shell', '#', '.sh', 'sh {file}', 'sh {file}'],
  ['Zsh', '#', '.zsh', 'zsh {file}', 'zsh {file}'],
  ['PowerShell', '#', '.ps1', 'pwsh {file}', 'pwsh {file}'],
  ['Lua', '--', '.lua', 'lua {file}', 'lua {file}'],
  ['Perl', '#', '.pl', 'perl {file}', 'prove {file}'],
  ['R', '#', '.r', 'Rscript {file}', 'Rscript {file}'],
  ['Julia', '#', '.jl', 'julia {file}', 'julia {file}'],
  ['Dart', '//', '.dart', 'dart run {file}', 'dart test {file}'],
  ['Elixir', '#', '.ex', 'elixir {file}', 'mix test'],
  ['Haskell', '--', '.hs', 'runghc {file}', 'cabal test'],
  ['Vue', '//', '.vue', undefined, undefined, CODE_ONLY],
  ['Svelte', '//', '.svelte', undefined, undefined, CODE_ONLY],
  ['SQL', '--', '.sql', undefined, undefined, CODE_ONLY],
  ['HTML', '', '.html', undefined, undefined, CODE_ONLY],
  ['CSS', '', '.css', undefined, undefined, CODE_ONLY],
  ['SCSS', '//', '.scss', undefined, undefined, CODE_ONLY],
  ['JSON', '', '.json', undefined, undefined, CODE_ONLY],
  ['JSONL', '', '.jsonl', undefined, undefined, CODE_ONLY],
  ['YAML', '#', '.yaml', undefined, undefined, CODE_ONLY],
  ['YML', '#', '.yml', undefined, undefined, CODE_ONLY],
  ['TOML', '#', '.toml', undefined, undefined, CODE_ONLY],
  ['XML', '', '.xml', undefined, undefined, CODE_ONLY],
  ['Markdown', '', '.md', undefined, undefined, CODE_ONLY],
  ['Text', '', '.txt', undefined, undefined, CODE_ONLY],
  ['CSV', '', '.csv', undefined, undefined, CODE_ONLY],
  ['Makefile', '#', '', undefined, undefined, CODE_ONLY],
  ['Dockerfile', '#', '', undefined, undefined, CODE_ONLY],
  ['Prompt', '', '.prompt', undefined, undefined, CODE_ONLY],
];

function fromRow([name, comment, extension, run, test, outputs]: Row): LanguageSpec {
  const runnable = outputs ?? (run || test ? ALL : CODE_ONLY);
  return { id: name.toLowerCase(), name, comment, extension, runCommand: run, testCommand: test, outputs: runnable };
}

/** A language table: the built-in rows, optionally extended or overridden by id. */
export class LanguageTable {
  private readonly byId = new Map<string, LanguageSpec>();

  constructor(extra: Array<Partial<LanguageSpec> & Pick<LanguageSpec, 'name' | 'extension'>> = []) {
    for (const row of ROWS) this.add(fromRow(row));
    for (const spec of extra) {
      const id = (spec.id ?? spec.name).toLowerCase();
      const base = this.byId.get(id);
      this.add({
        comment: '',
        outputs: spec.runCommand || spec.testCommand ? ALL : CODE_ONLY,
        ...base,
        ...spec,
        id,
      } as LanguageSpec);
    }
  }

  private add(spec: LanguageSpec): void {
    this.byId.set(spec.id, spec);
  }

  /** Case-insensitive lookup, as PDD matches the language suffix of a prompt file. */
  get(language: string): LanguageSpec | undefined {
    return this.byId.get(language.toLowerCase());
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}

export const defaultLanguages = new LanguageTable();
