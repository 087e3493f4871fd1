import { formatFiles, logger, readNxJson, Tree } from '@nx/devkit';
import { computeUnitPaths, joinPosix, parsePddrc, resolveUnitSettings, selectContext, splitBasename, trimSlashes } from '@nx-pdd/core';
import { pluginOptionsFromNxJson } from '../../plugins/options';
import type { UnitGeneratorSchema } from './schema';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

export async function unitGenerator(tree: Tree, schema: UnitGeneratorSchema): Promise<void> {
  const name = schema.name?.trim();
  if (!name || !NAME.test(name)) {
    throw new Error(`nx-pdd: invalid unit name "${schema.name}": use letters, digits, _ and -, with / between folders (e.g. calc or commands/fix)`);
  }
  const pluginOptions = pluginOptionsFromNxJson(readNxJson(tree));
  const pddrc = tree.exists('.pddrc') ? parsePddrc(tree.read('.pddrc', 'utf-8')!, '.pddrc') : null;
  const defaultContext = pddrc?.contexts.find((c) => c.name === 'default');
  const languages = pluginOptions.languageTable;
  const languageName = schema.language ?? defaultContext?.defaults.default_language ?? 'python';
  const language = languages.get(languageName);
  if (!language) {
    throw new Error(`nx-pdd: unknown language "${languageName}". Known: ${languages.ids().sort().join(', ')}. Add others with the plugin option "languages".`);
  }
  const promptsDir = trimSlashes(schema.promptsDir ?? pluginOptions.settings.promptsDir ?? defaultContext?.defaults.prompts_dir ?? 'prompts');
  const promptFile = joinPosix(promptsDir, `${name}_${language.id}.prompt`);
  if (tree.exists(promptFile)) {
    throw new Error(`nx-pdd: ${promptFile} already exists; nothing was written`);
  }
  const context = selectContext(pddrc, promptFile, `${name}_${language.id}.prompt`);
  const settings = resolveUnitSettings({ pluginOptions: pluginOptions.settings, context, env: process.env });
  const paths = computeUnitPaths('', splitBasename(name), language, settings);
  tree.write(promptFile, skeleton(name, language.name, paths, schema.description));
  logger.info(`nx-pdd: created ${promptFile}. See its project with: npx nx show project ${name.replace(/\//g, '-')}`);
  await formatFiles(tree);
}

function skeleton(name: string, languageName: string, paths: { code: string; example: string | null; test: string | null }, description?: string): string {
  const derived = [`the code in ${paths.code}`, paths.example && `a usage example in ${paths.example}`, paths.test && `unit tests in ${paths.test}`]
    .filter(Boolean)
    .join(', ');
  const module = name.split('/').pop();
  return `<pdd>
This file is a PDD prompt: the source of the unit "${name}" (${languageName}).
From it nx-pdd derives ${derived}.
Everything between the pdd tags is a comment for people: it is removed before the LLM reads the prompt.
- Pull context in with <include>path/to/file</include> (paths from the workspace root, or from the
  folder of your .pddrc). Including another unit's example makes this unit depend on it in nx graph.
- See the text the LLM will get: npx nx run ${name.replace(/\//g, '-')}:preprocess --print
</pdd>
% You are an expert ${languageName} engineer. Write the module "${module}".

% Purpose
${description ?? `Describe what ${module} does, for whom, and why.`}

% Requirements
1. State each behaviour the module must have, one per line, precise enough to test.
2. Say what happens on bad input.

% Interface
Name the public functions or classes with their parameters, return values and errors.

% Dependencies
List the units or libraries it uses; <include> their examples so the LLM sees their real interface.
`;
}

export default unitGenerator;
