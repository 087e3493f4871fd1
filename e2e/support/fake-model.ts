import { fakeModelTable, py } from '../../tools/testing/fake-model';
import { E2EWorkspace } from './e2e-workspace';

export { fakeModelTable, py } from '../../tools/testing/fake-model';

/** A workspace with one Python unit `calc` whose model is the fake LLM at `url` (key e2e-key). */
export function calcWorkspace(url: string, files: Record<string, string> = {}): E2EWorkspace {
  const ws = new E2EWorkspace({
    '.gitignore': 'node_modules\n.nx\n.pdd/cache/\n.pdd/state.db*\n.pdd/runs/\n.pdd/locks/\n.pdd/conflicts/\n',
    'prompts/calc_python.prompt': 'Write add(a, b) returning the sum of two numbers.\n',
    '.pdd/llm_model.csv': fakeModelTable(url),
    ...files,
  });
  ws.env = { OPENAI_API_KEY: 'e2e-key' };
  return ws;
}

/** A prompt asking for `name()`, declaring the units it depends on. */
export const unitPrompt = (name: string, deps: string[], text = `Write ${name}() returning a number.`) =>
  `${text}\n${deps.map((d) => `<pdd-dependency>${d}_python.prompt</pdd-dependency>`).join('\n')}\n`;

/** The code of `name()`: calls each dependency. */
export const unitCode = (name: string, deps: string[], body = deps.length ? deps.map((d) => `${d}()`).join(' + ') + ' + 1' : '1') =>
  `${deps.map((d) => `from ${d} import ${d}`).join('\n')}${deps.length ? '\n\n\n' : ''}def ${name}():\n    return ${body}`;

/**
 * Fake-LLM rules that generate each unit's code and example. The code of a `together` unit is
 * held until the next `together` unit's code has been asked for (at most 90 s): the log's
 * `released: 'request'` then proves the two were in flight at once, with no wall-clock gap.
 */
export const unitRules = (units: Record<string, string[]>, together: string[] = []) =>
  Object.entries(units).flatMap(([name, deps]) => {
    const i = together.indexOf(name);
    const hold = i < 0 ? {} : { hold: { untilRequest: `Write the module "${together[(i + 1) % together.length]}"`, maxMs: 90_000 } };
    return [
      { match: `Write examples/${name}_example.py`, responses: [{ content: py(`from ${name} import ${name}\nprint(${name}())`) }] },
      { match: `Write the module "${name}"`, responses: [{ content: py(unitCode(name, deps)), ...hold }] },
    ];
  });
