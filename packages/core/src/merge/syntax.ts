import { dirname, join } from 'node:path';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';

export type SyntaxNode = TreeSitter.Node;

/** nx-pdd language id -> the tree-sitter grammar shipped by @vscode/tree-sitter-wasm. */
const GRAMMARS: Record<string, string> = {
  python: 'python',
  javascript: 'javascript',
  javascriptreact: 'javascript',
  typescript: 'typescript',
  typescriptreact: 'tsx',
  go: 'go',
  rust: 'rust',
  java: 'java',
  csharp: 'c-sharp',
  cpp: 'cpp',
  ruby: 'ruby',
  php: 'php',
  bash: 'bash',
  shell: 'bash',
};

let runtime: Promise<typeof TreeSitter> | null = null;
const languages = new Map<string, Promise<TreeSitter.Language | null>>();
const parsers = new Map<string, TreeSitter.Parser>();

/** Whether a grammar exists for the language (no loading). */
export function hasGrammar(languageId: string): boolean {
  return languageId in GRAMMARS;
}

function loadRuntime(): Promise<typeof TreeSitter> {
  // Loaded on first use only: graph inference loads @nx-pdd/core and must not pay for WASM.
  runtime ??= (async () => {
    // The runtime imports 'module' dynamically: under jest that needs node --experimental-vm-modules
    // (the repo's test scripts pass it).
    const ts = require('@vscode/tree-sitter-wasm') as typeof TreeSitter;
    await ts.Parser.init();
    return ts;
  })();
  return runtime;
}

/** The language's grammar, loaded once; null when there is none (or it failed to load: said once). */
async function grammar(languageId: string): Promise<TreeSitter.Language | null> {
  const name = GRAMMARS[languageId];
  if (!name) return null;
  let loaded = languages.get(name);
  if (!loaded) {
    loaded = (async () => {
      const ts = await loadRuntime();
      const dir = dirname(require.resolve('@vscode/tree-sitter-wasm'));
      try {
        return await ts.Language.load(join(dir, `tree-sitter-${name}.wasm`));
      } catch (e) {
        process.emitWarning(`nx-pdd: the ${name} grammar did not load (${(e as Error).message}); merging ${languageId} by lines only`);
        return null;
      }
    })();
    languages.set(name, loaded);
  }
  return loaded;
}

/**
 * Parse a text and hand its syntax tree to `use` (the tree is freed afterwards: keep no node);
 * null when the language has no grammar.
 */
export async function withSyntaxTree<T>(languageId: string, text: string, use: (root: SyntaxNode, hasError: boolean) => T): Promise<T | null> {
  const lang = await grammar(languageId);
  if (!lang) return null;
  const ts = await loadRuntime();
  let parser = parsers.get(languageId);
  if (!parser) {
    parser = new ts.Parser();
    parser.setLanguage(lang);
    parsers.set(languageId, parser);
  }
  const tree = parser.parse(text);
  if (!tree) return null;
  try {
    return use(tree.rootNode, tree.rootNode.hasError);
  } finally {
    tree.delete();
  }
}

/** Whether the text parses: true / false, or null when the language has no grammar. */
export async function parses(languageId: string, text: string): Promise<boolean | null> {
  return withSyntaxTree(languageId, text, (_root, hasError) => !hasError);
}
