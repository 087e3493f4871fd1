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
  /** Other names a prompt file may use for it (lower-case): `tsx`, `c++`. */
  aliases?: string[];
}

const ALL: OutputKind[] = ['code', 'example', 'test'];
const CODE_ONLY: OutputKind[] = ['code'];

type Row = [name: string, comment: string, extension: string, run?: string, test?: string, aliases?: string[]];

/**
 * PDD's language table (`pdd/data/language_format.csv`: every language PDD knows, 93 rows),
 * with nx-pdd's runners for Python, JavaScript and TypeScript, PDD's run commands elsewhere,
 * and a conventional test command where PDD has none. A prompt's language suffix matches a name or an alias
 * case-insensitively (PDD's `LanguageRegistry.resolve_alias`: the display name, its
 * identifier such as `c-plus-plus`, and the legacy aliases `cpp`, `csharp`, `fsharp`,
 * `objectivec`, `rst`, `tsx`, `jsx`, `yml`). Extend or override it with the plugin option
 * `languages`. `LLM` and `prompt` are in PDD's table but are never units (see units.ts).
 */
const ROWS: Row[] = [
  ['Python', '#', '.py', 'python {file}', 'python -m pytest {file} -v'],
  ['TypeScript', '//', '.ts', 'npx tsx {file}', 'npx tsx --test {file}'],
  ['TypeScriptReact', '//', '.tsx', 'npx tsx {file}', 'npx tsx --test {file}', ['tsx']],
  ['JavaScript', '//', '.js', 'node {file}', 'node --test {file}'],
  ['JavaScriptReact', '//', '.jsx', 'node {file}', 'node --test {file}', ['jsx']],
  ['Go', '//', '.go', 'go run {file}', 'go test -v {file}'],
  ['Rust', '//', '.rs', 'cargo run', 'cargo test'],
  ['Java', '//', '.java', 'java {file}', 'mvn test'],
  ['Kotlin', '//', '.kt', 'kotlinc -script {file}', 'gradle test'],
  ['Scala', '//', '.scala', 'scala {file}', 'sbt test'],
  ['Groovy', '//', '.groovy', 'groovy {file}'],
  ['CSharp', '//', '.cs', 'dotnet run {file}', 'dotnet test', ['c#', 'c-sharp']],
  ['FSharp', '//', '.fs', 'dotnet fsi {file}', undefined, ['f#', 'f-sharp']],
  ['C', '//', '.c'],
  ['Cpp', '//', '.cpp', undefined, undefined, ['c++', 'c-plus-plus']],
  ['Objective-C', '//', '.m', undefined, undefined, ['objectivec']],
  ['MATLAB', '%', '.m'],
  ['Ruby', '#', '.rb', 'ruby {file}', 'ruby {file}'],
  ['PHP', '//', '.php', 'php {file}', 'phpunit {file}'],
  ['Swift', '//', '.swift', 'swift {file}', 'swift test'],
  ['Bash', '#', '.sh', 'bash {file}', 'bash {file}'],
  ['Shell', '#', '.sh', 'sh {file}', 'sh {file}'],
  ['Fish', '#', '.fish', 'fish {file}'],
  ['Zsh', '#', '.zsh', 'zsh {file}', 'zsh {file}'],
  ['PowerShell', '#', '.ps1', 'pwsh {file}', 'pwsh {file}'],
  ['Perl', '#', '.pl', 'perl {file}', 'prove {file}'],
  ['R', '#', '.R', 'Rscript {file}', 'Rscript {file}'],
  ['Lua', '--', '.lua', 'lua {file}', 'lua {file}'],
  ['Haskell', '--', '.hs', 'runghc {file}', 'cabal test'],
  ['Dart', '//', '.dart', 'dart run {file}', 'dart test {file}'],
  ['Assembly', ';', '.asm'],
  ['Fortran', '!', '.f90', 'gfortran -o {file}.out {file} && ./{file}.out'],
  ['COBOL', '*>', '.cob'],
  ['Lisp', ';', '.lisp', 'sbcl --script {file}'],
  ['Prolog', '%', '.pl', 'swipl -s {file}'],
  ['Erlang', '%', '.erl', 'escript {file}'],
  ['Clojure', ';', '.clj', 'clojure {file}'],
  ['Julia', '#', '.jl', 'julia {file}', 'julia {file}'],
  ['Elixir', '#', '.ex', 'elixir {file}', 'mix test'],
  ['Pascal', '//', '.pas', 'fpc {file} && ./{file}'],
  ['VBScript', "'", '.vbs', 'cscript {file}'],
  ['CoffeeScript', '#', '.coffee', 'coffee {file}'],
  ['Scheme', ';', '.scm', 'scheme --script {file}'],
  ['Tcl', '#', '.tcl', 'tclsh {file}'],
  ['D', '//', '.d', 'rdmd {file}'],
  ['Ada', '--', '.ada'],
  ['Nim', '#', '.nim', 'nim r {file}'],
  ['OCaml', '', '.ml', 'ocaml {file}'],
  ['Verilog', '//', '.v'],
  ['Systemverilog', '//', '.sv'],
  ['Lean', '--', '.lean', 'lean {file}'],
  ['Agda', '--', '.agda'],
  ['Svelte', '//', '.svelte'],
  ['Vue', '//', '.vue'],
  ['Jinja', '#', '.jinja2'],
  ['Handlebars', '', '.hbs'],
  ['Pug', '//', '.pug'],
  ['EJS', '//', '.ejs'],
  ['Twig', '', '.twig'],
  ['Solidity', '//', '.sol'],
  ['Zig', '//', '.zig', 'zig run {file}', 'zig test {file}'],
  ['Mojo', '#', '.mojo', 'mojo run {file}'],
  // Code only (PDD's _CODE_ONLY_LANGUAGES): no example, no test.
  ['SQL', '--', '.sql'],
  ['HTML', '', '.html'],
  ['CSS', '', '.css'],
  ['SCSS', '//', '.scss'],
  ['Sass', '//', '.sass'],
  ['Less', '//', '.less'],
  ['JSON', '', '.json'],
  ['JSONL', '', '.jsonl'],
  ['YAML', '#', '.yaml'],
  ['YML', '#', '.yml'],
  ['TOML', '#', '.toml'],
  ['INI', ';', '.ini'],
  ['XML', '', '.xml'],
  ['Markdown', '', '.md'],
  ['LaTeX', '%', '.tex'],
  ['Log', '', '.log'],
  ['reStructuredText', '', '.rst', undefined, undefined, ['rst']],
  ['Text', '', '.txt'],
  ['CSV', '', '.csv'],
  ['GraphQL', '#', '.graphql'],
  ['Protobuf', '//', '.proto'],
  ['Prisma', '///', '.prisma'],
  ['Terraform', '#', '.tf'],
  ['HCL', '#', '.hcl'],
  ['Nix', '#', '.nix'],
  ['Starlark', '#', '.bzl'],
  ['GLSL', '//', '.glsl'],
  ['WGSL', '//', '.wgsl'],
  ['Makefile', '#', ''],
  ['Dockerfile', '#', ''],
  ['Prompt', '', '.prompt'],
];

/** PDD's `_CODE_ONLY_LANGUAGES` (construct_paths.py): formats that derive code only. */
const CODE_ONLY_IDS = new Set([
  'json',
  'jsonl',
  'yaml',
  'yml',
  'toml',
  'ini',
  'csv',
  'xml',
  'html',
  'css',
  'scss',
  'sass',
  'less',
  'markdown',
  'latex',
  'log',
  'restructuredtext',
  'text',
  'sql',
  'graphql',
  'protobuf',
  'makefile',
  'dockerfile',
  'terraform',
  'hcl',
  'nix',
  'starlark',
  'glsl',
  'wgsl',
  'prisma',
  'prompt',
]);

function fromRow([name, comment, extension, run, test, aliases]: Row): LanguageSpec {
  const id = name.toLowerCase();
  return { id, name, comment, extension, runCommand: run, testCommand: test, outputs: CODE_ONLY_IDS.has(id) ? CODE_ONLY : ALL, aliases: aliases ?? [] };
}

/** A language table: the built-in rows, optionally extended or overridden by id. */
export class LanguageTable {
  private readonly byId = new Map<string, LanguageSpec>();
  private readonly byAlias = new Map<string, string>();

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
    for (const alias of spec.aliases ?? []) this.byAlias.set(alias.toLowerCase(), spec.id);
  }

  /** Case-insensitive lookup by name or alias, as PDD matches the language suffix of a prompt file. */
  get(language: string): LanguageSpec | undefined {
    const key = language.toLowerCase();
    return this.byId.get(key) ?? this.byId.get(this.byAlias.get(key) ?? '');
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}

export const defaultLanguages = new LanguageTable();
