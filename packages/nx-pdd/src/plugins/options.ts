import { LanguageSpec, SettingsOverrides } from '@nx-pdd/core';

/** Options of the nx-pdd plugin entry in nx.json (`{ "plugin": "nx-pdd", "options": { … } }`). */
export interface NxPddPluginOptions extends SettingsOverrides {
  /** Prefix for every inferred project name, e.g. `pdd-` when PDD names collide with other projects. */
  projectNamePrefix?: string;
  /** Let `<shell>` tags run while preprocessing. Off: a prompt from a pull request must not run commands in CI. */
  allowShell?: boolean;
  /** Extra or overriding rows of the language table. */
  languages?: Array<Partial<LanguageSpec> & Pick<LanguageSpec, 'name' | 'extension'>>;
  /** Name of the target that writes the expanded prompt. Default `preprocess`. */
  preprocessTargetName?: string;
}

export interface NormalizedPluginOptions {
  settings: SettingsOverrides;
  projectNamePrefix: string;
  allowShell: boolean;
  languages: NxPddPluginOptions['languages'];
  targetNames: { preprocess: string };
}

const NON_SETTINGS = new Set(['projectNamePrefix', 'allowShell', 'languages', 'preprocessTargetName']);

export function normalizeOptions(options: NxPddPluginOptions | undefined): NormalizedPluginOptions {
  const o = options ?? {};
  const settings = Object.fromEntries(Object.entries(o).filter(([k]) => !NON_SETTINGS.has(k))) as SettingsOverrides;
  return {
    settings,
    projectNamePrefix: o.projectNamePrefix ?? '',
    allowShell: o.allowShell === true,
    languages: o.languages ?? [],
    targetNames: { preprocess: o.preprocessTargetName ?? 'preprocess' },
  };
}
