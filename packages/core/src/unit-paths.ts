import { PddError } from './errors';
import { LanguageSpec } from './languages';
import { UnitSettings } from './unit-settings';
import { joinPosix } from './workspace-paths';

export interface UnitPaths {
  /** Workspace-relative paths. */
  code: string;
  /** Null when the language derives no example (code-only formats). */
  example: string | null;
  /** The primary test file; null when the language derives no tests. */
  test: string | null;
  /** Folder and name pattern of sibling test files `test_<name>*<ext>` (PDD counts them too). */
  testSiblings: { dir: string; prefix: string; extension: string } | null;
}

export interface UnitNameParts {
  basename: string;
  /** Last segment of the basename. */
  name: string;
  /** Basename folders with a trailing `/` (`commands/`), or ''. */
  dirPrefix: string;
  /**
   * The folders below the unit's context's own prompts dir (`components/` for
   * `prompts/frontend/components/x` in a context with `prompts_dir: prompts/frontend`): what an
   * output folder given with a trailing `/` keeps. Default: none.
   */
  placementPrefix?: string;
}

export function splitBasename(basename: string): UnitNameParts {
  const i = basename.lastIndexOf('/');
  return { basename, name: basename.slice(i + 1), dirPrefix: i < 0 ? '' : basename.slice(0, i + 1) };
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** Expand a PDD output path template. An unknown placeholder is an error naming it. */
export function expandPathTemplate(template: string, parts: UnitNameParts, language: LanguageSpec, where: string): string {
  const words = splitWords(parts.name);
  const values: Record<string, string> = {
    name: parts.name,
    category: parts.dirPrefix.replace(/\/$/, ''),
    dir_prefix: parts.dirPrefix,
    ext: language.extension.replace(/^\./, ''),
    language: language.id,
    name_snake: words.map((w) => w.toLowerCase()).join('_'),
    name_kebab: words.map((w) => w.toLowerCase()).join('-'),
    name_pascal: words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join(''),
  };
  return template.replace(PLACEHOLDER, (whole, key: string) => {
    if (!(key in values)) {
      throw new PddError(
        'PATH_TEMPLATE',
        `unknown placeholder ${whole} in output template "${template}" (${where}); known: ${Object.keys(values)
          .map((k) => `{${k}}`)
          .join(' ')}`,
      );
    }
    return values[key];
  });
}

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean);
}

/** Where architecture.json puts a unit's code, and whether its leaf name is shared by other modules. */
export interface ArchitecturePaths {
  filepath: string;
  sharedLeaf: boolean;
}

/** The test file and its siblings as one glob (`tests/test_calc*.py`), or null without tests. */
export function testFilesGlob(paths: Pick<UnitPaths, 'testSiblings'>): string | null {
  const s = paths.testSiblings;
  return s ? joinPosix(s.dir, `${s.prefix}*${s.extension}`) : null;
}

function siblingsOf(test: string | null, prefix: string, extension: string): UnitPaths['testSiblings'] {
  return test === null ? null : { dir: test.includes('/') ? test.slice(0, test.lastIndexOf('/')) : '', prefix, extension };
}

/**
 * `<dir>` + file name following PDD: a configured directory ending in `/` is complete (the
 * basename's folders are not added again, only those below the context's own prompts dir);
 * without the `/` the basename's folders are added.
 */
function placeIn(configured: string | undefined, conventionDir: string, parts: UnitNameParts, fileName: string): string {
  if (configured === undefined) return joinPosix(conventionDir, parts.dirPrefix, fileName);
  if (configured.endsWith('/')) return joinPosix(configured, parts.placementPrefix ?? '', fileName);
  return joinPosix(configured, parts.dirPrefix, fileName);
}

/**
 * Compute a unit's file paths: `.pddrc` output template > `*_output_path` > convention,
 * all relative to the PDD root. `legacyContextExamples` switches the example convention to
 * PDD's old `context/` folder.
 */
export function computeUnitPaths(
  pddRoot: string,
  parts: UnitNameParts,
  language: LanguageSpec,
  settings: UnitSettings,
  legacyContextExamples = false,
  architecture: ArchitecturePaths | null = null,
  exists: (path: string) => boolean = () => false,
): UnitPaths {
  const ext = language.extension;
  // Every configured path stays inside the PDD root (PDD's _ensure_output_within_root): an
  // absolute value or one that climbs out is an error naming the key and the value, never
  // re-rooted in silence (a .pddrc can arrive by pull request).
  const confined = (key: string, value: string | undefined, path: string): string => {
    const escapes = path.startsWith('..') || path.startsWith('/') || (pddRoot !== '' && path !== pddRoot && !path.startsWith(pddRoot + '/'));
    if ((value !== undefined && (value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value))) || escapes) {
      throw new PddError(
        'PATH_OUTSIDE',
        `${key} "${value ?? ''}" leads outside ${pddRoot ? `the PDD root ${pddRoot}/` : 'the workspace'} (to ${path}): output paths are relative to the folder of the .pddrc and stay inside it`,
      );
    }
    return path;
  };
  const fromTemplate = (kind: 'code' | 'example' | 'test') => {
    const template = settings.outputTemplates[kind];
    return template === undefined
      ? undefined
      : confined(`outputs.${kind}.path`, template, joinPosix(pddRoot, expandPathTemplate(template, parts, language, `outputs.${kind}.path`)));
  };
  const hasExample = language.outputs.includes('example');
  const hasTest = language.outputs.includes('test');
  const exampleDir = settings.exampleOutputPath ?? (legacyContextExamples ? 'context' : 'examples');
  const testDir = settings.testOutputPath ?? 'tests';
  if (architecture) {
    // PDD's architecture branch (get_pdd_file_paths): the code where architecture.json puts it;
    // example and test named after the code file, in the configured folders as given; a leaf
    // name several modules share takes the whole code path as its stem (`pdd_core_cli`); an
    // existing example/test named after the prompt is kept; .pddrc templates still win.
    const filepath = architecture.filepath;
    const code = confined(
      'architecture.json filepath',
      filepath,
      joinPosix(pddRoot, !filepath.includes('/') && settings.generateOutputPath ? joinPosix(settings.generateOutputPath, filepath) : filepath),
    );
    const codeStem = filepath.slice(filepath.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
    const stem = architecture.sharedLeaf ? filepath.replace(/\.[^./]*$/, '').replace(/\//g, '_') : codeStem;
    const byName = (dir: string, file: string, stemFile: string) => {
      const named = joinPosix(pddRoot, dir, file);
      return parts.name !== codeStem && stem === codeStem && exists(named) ? named : joinPosix(pddRoot, dir, stemFile);
    };
    const example = !hasExample
      ? null
      : (fromTemplate('example') ??
        confined('example_output_path', settings.exampleOutputPath, byName(exampleDir, `${parts.name}_example${ext}`, `${stem}_example${ext}`)));
    const test = !hasTest
      ? null
      : (fromTemplate('test') ?? confined('test_output_path', settings.testOutputPath, byName(testDir, `test_${parts.name}${ext}`, `test_${stem}${ext}`)));
    return { code, example, test, testSiblings: siblingsOf(test, test === null ? '' : test.slice(test.lastIndexOf('/') + 1).replace(/\.[^.]*$/, ''), ext) };
  }
  const code =
    fromTemplate('code') ??
    confined('generate_output_path', settings.generateOutputPath, joinPosix(pddRoot, placeIn(settings.generateOutputPath, '', parts, `${parts.name}${ext}`)));
  const example = !hasExample
    ? null
    : (fromTemplate('example') ??
      confined(
        'example_output_path',
        settings.exampleOutputPath,
        joinPosix(pddRoot, placeIn(settings.exampleOutputPath, legacyContextExamples ? 'context' : 'examples', parts, `${parts.name}_example${ext}`)),
      ));
  const test = !hasTest
    ? null
    : (fromTemplate('test') ??
      confined('test_output_path', settings.testOutputPath, joinPosix(pddRoot, placeIn(settings.testOutputPath, 'tests', parts, `test_${parts.name}${ext}`))));
  return { code, example, test, testSiblings: siblingsOf(test, `test_${parts.name}`, ext) };
}
