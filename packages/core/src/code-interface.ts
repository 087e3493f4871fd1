import { INTERFACE_MEMO_DIR, pddLayout } from './pdd-layout';
import { writeContainedFile } from './contained-write';
import { sha256 } from './fingerprint';
import { squash } from './merge/declarations';
import { SyntaxNode, withSyntaxTree } from './merge/syntax';
import { readIfExists } from './operations/artifact-store';
import { readContainedText } from './contained-read';
import { PromptUnit } from './units';
import { joinPosix } from './workspace-paths';

/**
 * The public interface of a module: one line per public declaration, as its signature (no
 * body), whitespace squashed, sorted. What dependents rely on: a change here re-syncs them; a
 * change behind it (bodies, private helpers, comments) does not. null: the language has no
 * grammar or the code does not parse (then the whole code counts as the interface).
 */
export async function publicInterface(languageId: string, code: string): Promise<string[] | null> {
  const lines = await withSyntaxTree(languageId, code, (root, hasError) => {
    if (hasError) return null;
    const out: string[] = [];
    for (const n of root.namedChildren) {
      if (n && languageId === 'python') python(n, out, '');
      else if (n) ecmascript(n, out);
    }
    return out;
  });
  return lines ? [...new Set(lines)].sort() : null;
}

/**
 * The names a public interface declares (`def add(a, b)` -> add; a method line names the
 * method), without Python's dunder hooks: what tests are expected to reference.
 */
export function declarationNames(lines: readonly string[]): string[] {
  const names = new Set<string>();
  for (const line of lines) {
    const declared =
      [...line.matchAll(/\b(?:def|class|function|interface|type|enum|const|let|var)\s+([A-Za-z_$][\w$]*)/g)].pop()?.[1] ??
      /^(?:export\s+)?(?:default\s+)?([A-Za-z_$][\w$]*)/.exec(line)?.[1];
    if (declared && !/^__\w+__$/.test(declared)) names.add(declared);
  }
  return [...names].sort();
}

/** The public names of a unit's code now (empty when it has no code or no grammar, or does not parse). */
export async function codeDeclarationNames(workspaceRoot: string, unit: PromptUnit): Promise<string[]> {
  const code = readContainedText(workspaceRoot, unit.paths.code);
  if (code === null) return [];
  return declarationNames((await publicInterface(unit.language.id, code)) ?? []);
}

const isPublic = (name: string | undefined) => !!name && !name.startsWith('_');

/** The text of a node without its body (a signature); the whole text when it has none. */
function signature(node: SyntaxNode): string {
  const body = node.childForFieldName('body');
  const text = node.text;
  return squash(body && text.endsWith(body.text) ? text.slice(0, text.length - body.text.length) : text);
}

/** A Python definition's signature: decorators and header, without the body or comments. */
function pythonSignature(node: SyntaxNode, def: SyntaxNode): string {
  const decorators = node === def ? '' : node.text.slice(0, node.text.length - def.text.length);
  return squash(`${decorators} ${signature(def).replace(/#[^\n]*/g, '')}`);
}

function python(node: SyntaxNode, out: string[], prefix: string): void {
  const def = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
  if (!def) return;
  const name = def.childForFieldName('name')?.text;
  if (def.type === 'function_definition' && (isPublic(name) || name === '__init__' || name === '__call__')) out.push(prefix + pythonSignature(node, def));
  else if (def.type === 'class_definition' && isPublic(name)) {
    const head = pythonSignature(node, def);
    out.push(prefix + head);
    for (const m of def.childForFieldName('body')?.namedChildren ?? []) if (m) python(m, out, `${head} `);
  } else if (!prefix && def.type === 'expression_statement') {
    const assign = def.namedChildren[0];
    const left = assign?.type === 'assignment' ? assign.childForFieldName('left')?.text : undefined;
    if (left === '__all__') out.push(squash(def.text));
    else if (assign?.type === 'assignment' && isPublic(left) && /^\w+$/.test(left!)) {
      const type = assign.childForFieldName('type')?.text;
      out.push(`${left}${type ? `: ${squash(type)}` : ''}`);
    }
  }
}

const TS_WHOLE = new Set(['interface_declaration', 'type_alias_declaration', 'enum_declaration', 'abstract_class_declaration']);

function ecmascript(node: SyntaxNode, out: string[]): void {
  if (node.type === 'expression_statement' && /^(module\.)?exports\b/.test(node.text)) return void out.push(squash(node.text));
  if (node.type !== 'export_statement') return;
  const decl = node.childForFieldName('declaration');
  if (!decl) return void out.push(squash(node.text)); // export { a }, export * from, export default <expr>
  const exported = node.text.startsWith('export default') ? 'export default ' : 'export ';
  if (TS_WHOLE.has(decl.type) && decl.type !== 'abstract_class_declaration') return void out.push(exported + squash(decl.text));
  if (decl.type === 'class_declaration' || decl.type === 'abstract_class_declaration') {
    const head = exported + signature(decl);
    out.push(head);
    for (const m of decl.childForFieldName('body')?.namedChildren ?? []) {
      if (!m || /^(private|#)/.test(m.text) || m.childForFieldName('name')?.text.startsWith('#')) continue;
      if (m.type === 'method_definition' || m.type === 'method_signature' || m.type === 'abstract_method_signature') out.push(`${head} ${signature(m)}`);
      else if (m.type === 'public_field_definition' || m.type === 'field_definition') out.push(`${head} ${squash(m.text.replace(/=[\s\S]*$/, ''))}`);
    }
    return;
  }
  if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
    for (const d of decl.namedChildren) {
      if (d?.type !== 'variable_declarator') continue;
      const name = d.childForFieldName('name')?.text ?? '';
      const type = d.childForFieldName('type')?.text ?? '';
      const value = d.childForFieldName('value');
      const fn =
        value && (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function') ? ` = ${signature(value)}` : '';
      out.push(`${exported}const ${name}${type ? squash(type) : ''}${fn}`);
    }
    return;
  }
  out.push(exported + signature(decl));
}

/**
 * The interface document of a unit: its public declarations (or, without a grammar or when
 * the code does not parse, the code's hash). Deterministic: no time, path or host in it.
 * null when the unit has no code yet.
 */
export async function interfaceDocument(workspaceRoot: string, unit: InterfaceSource): Promise<string | null> {
  const code = readIfExists(workspaceRoot, unit.code);
  if (code === null) return null;
  const example = unit.example ? readIfExists(workspaceRoot, unit.example) : null;
  // Content-addressed memo (.pdd/cache/, not committed): a sync that changed nothing parses nothing.
  const memo = joinPosix(
    INTERFACE_MEMO_DIR,
    `${sha256(`${INTERFACE_FORMAT}\0${unit.unit}\0${unit.languageId}\0${unit.code}\0${code}\0${unit.example}\0${example}`)}.txt`,
  );
  const known = readIfExists(workspaceRoot, memo);
  if (known !== null) return known;
  const lines = await publicInterface(unit.languageId, code);
  const body = lines ? lines.join('\n') : `(no parsed interface: the whole code counts) ${sha256(code)}`;
  const doc = `# public interface of ${unit.unit} (${unit.code}), written by nx-pdd sync; dependents re-sync when it changes\n${body}\n# example ${unit.example ?? '(none)'}: ${example === null ? '(none)' : sha256(example)}\n`;
  try {
    writeContainedFile(workspaceRoot, memo, doc);
  } catch {
    // a read-only workspace: no memo
  }
  return doc;
}

/** Bumped when the document's form changes, so memos of the old form are not used. */
const INTERFACE_FORMAT = 1;

/** What the interface of a unit is read from (a unit this one depends on, as the graph says). */
export interface InterfaceSource {
  unit: string;
  languageId: string;
  /** Workspace-relative code and example files. */
  code: string;
  example: string | null;
}

export function interfaceSourceOf(unit: PromptUnit): InterfaceSource {
  return { unit: unit.id, languageId: unit.language.id, code: unit.paths.code, example: unit.paths.example };
}

/**
 * What a dependent relies on of each unit it depends on: a hash of its interface document (public
 * declarations and the example's hash), per unit id. A unit with no code yet hashes as absent.
 */
export async function dependencyInterfaces(workspaceRoot: string, deps: InterfaceSource[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const d of [...deps].sort((a, b) => a.unit.localeCompare(b.unit))) {
    out[d.unit] = sha256((await interfaceDocument(workspaceRoot, d)) ?? '(no code)');
  }
  return out;
}

/** One key for all of them ('' when there are none, so units without dependencies keep their old keys). */
export function dependenciesKey(interfaces: Record<string, string>): string {
  const entries = Object.entries(interfaces).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? sha256(JSON.stringify(entries)) : '';
}

/** Write the unit's interface file when it differs; returns whether it changed. */
export async function writeInterfaceFile(workspaceRoot: string, unit: PromptUnit): Promise<boolean> {
  const doc = await interfaceDocument(workspaceRoot, interfaceSourceOf(unit));
  if (doc === null) return false;
  if (readIfExists(workspaceRoot, pddLayout(unit).interface) === doc) return false;
  writeContainedFile(workspaceRoot, pddLayout(unit).interface, doc);
  return true;
}
