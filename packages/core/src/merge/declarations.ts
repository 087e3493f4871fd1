import { SyntaxNode, withSyntaxTree } from './syntax';

/**
 * A piece of a source file that a merge matches across versions: one top-level statement (or
 * one member of a class), owning the comments and blank lines above it. `key` is stable across
 * versions: kind and name for declarations, the module for imports, the first line otherwise.
 */
export interface Chunk {
  key: string;
  /** `function`, `class`, `import`, `assign`, ... (the grammar's node type, wrappers looked through). */
  kind: string;
  /** The declared name, when it has one. */
  name: string | null;
  lines: string[];
  /** A class-like declaration cut into header, members and footer (absent: merged as a whole). */
  body?: { header: string[]; members: Chunk[]; footer: string[] };
}

/** The chunks of a file, or null when it has no grammar or does not parse. */
export async function chunkFile(languageId: string, text: string): Promise<Chunk[] | null> {
  const lines = text.split('\n');
  const result = await withSyntaxTree(languageId, text, (root, hasError) =>
    hasError ? null : chunkNodes(root.namedChildren.filter(isNode), lines, 0, lines.length),
  );
  return result ?? null;
}

const isNode = (n: SyntaxNode | null): n is SyntaxNode => n !== null;

const IMPORT_TYPES = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'import_declaration',
  'use_declaration',
  'using_directive',
  'namespace_use_declaration',
]);
const CLASS_LIKE = /class|interface|struct|impl|trait|enum|module|namespace|object/;

/** Cut the lines [from, to) into one chunk per node (comments join the node below; the rest is `tail`). */
function chunkNodes(nodes: SyntaxNode[], lines: string[], from: number, to: number): Chunk[] {
  const chunks: Chunk[] = [];
  const ends: number[] = [];
  let start = from;
  for (const node of nodes) {
    if (node.type === 'comment' || node.type === 'line_comment' || node.type === 'block_comment') continue;
    const end = Math.min(node.endPosition.row + 1, to);
    if (chunks.length && node.startPosition.row < ends[ends.length - 1]) {
      // Two statements on one line: one chunk.
      const last = chunks[chunks.length - 1];
      last.lines = lines.slice(start - last.lines.length, end);
      ends[ends.length - 1] = end;
      start = end;
      continue;
    }
    if (end <= start) continue;
    chunks.push(describe(node, lines, start, end));
    ends.push(end);
    start = end;
  }
  if (start < to) chunks.push({ key: 'tail', kind: 'tail', name: null, lines: lines.slice(start, to) });
  return numberRepeatedKeys(chunks);
}

function numberRepeatedKeys(chunks: Chunk[]): Chunk[] {
  const seen = new Map<string, number>();
  for (const c of chunks) {
    const n = (seen.get(c.key) ?? 0) + 1;
    seen.set(c.key, n);
    if (n > 1) c.key = `${c.key}#${n}`;
  }
  return chunks;
}

/** The node a wrapper stands for: `export ...`, decorators, `export default`. */
function unwrap(node: SyntaxNode): SyntaxNode {
  if (node.type === 'export_statement') return node.childForFieldName('declaration') ?? node;
  if (node.type === 'decorated_definition') return node.childForFieldName('definition') ?? node;
  return node;
}

function nameOf(node: SyntaxNode): string | null {
  const named = node.childForFieldName('name');
  if (named) return named.text;
  if (node.type === 'lexical_declaration' || node.type === 'variable_declaration') {
    const declarator = node.namedChildren.find((c) => c?.type === 'variable_declarator');
    return declarator?.childForFieldName('name')?.text ?? null;
  }
  if (node.type === 'expression_statement') {
    const inner = node.namedChildren[0];
    if (inner?.type === 'assignment') return inner.childForFieldName('left')?.text ?? null;
  }
  return null;
}

function describe(node: SyntaxNode, lines: string[], start: number, end: number): Chunk {
  const inner = unwrap(node);
  const chunkLines = lines.slice(start, end);
  if (IMPORT_TYPES.has(node.type) || IMPORT_TYPES.has(inner.type)) {
    const source = inner.childForFieldName('source')?.text ?? inner.childForFieldName('module_name')?.text ?? null;
    return { key: `import:${source ?? squash(inner.text)}`, kind: 'import', name: source, lines: chunkLines };
  }
  const name = nameOf(inner);
  const isAssignment = inner.type === 'expression_statement' && name !== null;
  const kind = isAssignment ? 'assign' : inner.type;
  const key = name !== null ? `${kind}:${name}` : `${kind}:${squash(inner.text.split('\n')[0])}`;
  const chunk: Chunk = { key, kind, name, lines: chunkLines };
  if (CLASS_LIKE.test(inner.type)) {
    const body = classBody(inner, lines, start, end);
    if (body) chunk.body = body;
  }
  return chunk;
}

/** A class's lines as header, member chunks and footer; null when they cannot be told apart (a one-liner). */
function classBody(node: SyntaxNode, lines: string[], start: number, end: number): Chunk['body'] | null {
  const body = node.childForFieldName('body');
  if (!body) return null;
  const braced = body.text.startsWith('{');
  const from = braced || body.startPosition.row === node.startPosition.row ? body.startPosition.row + 1 : body.startPosition.row;
  const to = braced && body.text.endsWith('}') ? body.endPosition.row : body.endPosition.row + 1;
  const members = body.namedChildren.filter(isNode);
  if (from <= start || to > end || from > to) return null;
  if (members.some((m) => m.startPosition.row < from || m.endPosition.row >= to)) return null;
  return { header: lines.slice(start, from), members: chunkNodes(members, lines, from, to), footer: lines.slice(to, end) };
}

/** A text on one line: runs of whitespace as one space. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
