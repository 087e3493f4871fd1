import { ImportLanguage, ImportRef } from './import-scan';
import { dirnamePosix, joinPosix, normalizePosix } from './workspace-paths';

/** `compilerOptions.paths` of the workspace's root tsconfig, with the folder they are relative to. */
export interface TsPathAliases {
  baseDir: string;
  paths: Record<string, string[]>;
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const TS_FOR_JS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/**
 * Resolves imports to files of a known set (the units' code files). Python: dotted names
 * match any trailing part of a file's module path (`pkg/calc.py` answers `calc` and
 * `pkg.calc`), relative imports from the importer's package. JS/TS: relative specifiers with
 * Node/TypeScript extension and index rules, and tsconfig `paths` aliases.
 */
export class ModuleResolver {
  private readonly files: Set<string>;
  private readonly pythonModules = new Map<string, string[]>();

  constructor(
    files: Iterable<string>,
    private readonly aliases?: TsPathAliases,
  ) {
    this.files = new Set(files);
    for (const file of this.files) {
      if (!file.endsWith('.py')) continue;
      const parts = file.slice(0, -3).split('/');
      if (parts[parts.length - 1] === '__init__') parts.pop();
      for (let i = 0; i < parts.length; i++) {
        const dotted = parts.slice(i).join('.');
        const list = this.pythonModules.get(dotted) ?? [];
        list.push(file);
        this.pythonModules.set(dotted, list);
      }
    }
  }

  /** The known files `ref` in `importer` refers to (usually zero or one). */
  resolve(importer: string, ref: ImportRef, language: ImportLanguage): string[] {
    return language === 'python' ? this.resolvePython(importer, ref) : this.resolveJavaScript(importer, ref.specifier);
  }

  private resolvePython(importer: string, ref: ImportRef): string[] {
    const found = new Set<string>();
    if (ref.level > 0) {
      let base = dirnamePosix(importer);
      for (let i = 1; i < ref.level; i++) base = dirnamePosix(base);
      const modPath = joinPosix(base, ref.specifier.replace(/\./g, '/'));
      for (const name of ref.names) this.addIfKnown(found, `${joinPosix(modPath, name)}.py`);
      if (ref.specifier) {
        this.addIfKnown(found, `${modPath}.py`);
        this.addIfKnown(found, `${modPath}/__init__.py`);
      }
      return [...found];
    }
    const submodules = ref.names.map((n) => this.pickPython(importer, `${ref.specifier}.${n}`)).filter((f): f is string => !!f);
    submodules.forEach((f) => found.add(f));
    const module = this.pickPython(importer, ref.specifier);
    if (module) found.add(module);
    return [...found];
  }

  /** Among files answering a dotted name: same folder as the importer, then nearest, then shortest path. */
  private pickPython(importer: string, dotted: string): string | undefined {
    const candidates = this.pythonModules.get(dotted);
    if (!candidates?.length) return undefined;
    const dir = dirnamePosix(importer);
    const score = (f: string) => [dirnamePosix(f) === dir ? 0 : 1, -commonPrefixLength(f, importer), f.split('/').length, f] as const;
    return [...candidates].sort((a, b) => compareTuples(score(a), score(b)))[0];
  }

  private resolveJavaScript(importer: string, specifier: string): string[] {
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      const hit = this.tryJsPath(normalizePosix(joinPosix(dirnamePosix(importer), specifier)));
      return hit ? [hit] : [];
    }
    if (!this.aliases) return [];
    for (const [pattern, targets] of Object.entries(this.aliases.paths)) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star < 0) captured = pattern === specifier ? '' : undefined;
      else if (specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1)) && specifier.length >= pattern.length - 1) {
        captured = specifier.slice(star, specifier.length - (pattern.length - star - 1));
      }
      if (captured === undefined) continue;
      for (const target of targets) {
        const hit = this.tryJsPath(normalizePosix(joinPosix(this.aliases.baseDir, target.replace('*', captured))));
        if (hit) return [hit];
      }
    }
    return [];
  }

  private tryJsPath(path: string): string | undefined {
    if (path.startsWith('..')) return undefined;
    if (this.files.has(path)) return path;
    const ext = path.slice(path.lastIndexOf('.'));
    for (const swap of TS_FOR_JS[ext] ?? []) {
      const candidate = path.slice(0, -ext.length) + swap;
      if (this.files.has(candidate)) return candidate;
    }
    for (const e of JS_EXTENSIONS) if (this.files.has(path + e)) return path + e;
    for (const e of JS_EXTENSIONS) if (this.files.has(`${path}/index${e}`)) return `${path}/index${e}`;
    return undefined;
  }

  private addIfKnown(set: Set<string>, file: string): void {
    if (this.files.has(file)) set.add(file);
  }
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}
