import { readFileSync, writeFileSync } from 'node:fs';
import type { ProjectConfiguration } from '@nx/devkit';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { ProjectSource, reuseOrBuildProjects } from './projects-cache';

describe('reusing project configurations by unit key', () => {
  let ws: TempWorkspace;
  let file: string;
  let builds: string[];
  beforeEach(() => {
    ws = new TempWorkspace();
    file = ws.path('.nx/workspace-data/nx-pdd-projects-x.json');
    builds = [];
  });
  afterEach(() => ws.dispose());

  /** A unit whose configuration names its key (and a line break, which JSON writes escaped); building it is recorded. */
  const unit = (key: string): ProjectSource => ({
    key,
    build: () => {
      builds.push(key);
      return { name: key, root: `prompts/${key}`, metadata: { description: `unit ${key}\nsecond line` } } as ProjectConfiguration;
    },
  });
  const expected = (...keys: string[]) => keys.map((k) => unit(k).build());
  const run = (fileKey: string, ...keys: string[]) => {
    builds = [];
    const out = reuseOrBuildProjects(file, fileKey, keys.map(unit));
    return { out, built: builds };
  };

  it('builds every unit the first time, then reuses all of them while the keys are the same', () => {
    const first = run('k', 'a', 'b', 'c');
    expect(first.built).toEqual(['a', 'b', 'c']);
    const second = run('k', 'a', 'b', 'c');
    expect(second.built).toEqual([]);
    expect(second.out).toStrictEqual(expected('a', 'b', 'c'));
  });

  it('builds only the units whose key changed, and takes units added, removed or reordered from their lines', () => {
    run('k', 'a', 'b', 'c');
    const changed = run('k', 'a', 'b2', 'c');
    expect(changed.built).toEqual(['b2']);
    expect(changed.out).toStrictEqual(expected('a', 'b2', 'c'));
    const reordered = run('k', 'c', 'd', 'a');
    expect(reordered.built).toEqual(['d']);
    expect(reordered.out).toStrictEqual(expected('c', 'd', 'a'));
    expect(run('k', 'c', 'd', 'a').built).toEqual([]);
  });

  it('builds everything again for another file key (options, plugin code, templates)', () => {
    run('k', 'a', 'b');
    expect(run('k2', 'a', 'b').built).toEqual(['a', 'b']);
  });

  it('ignores a file that is not its own, and repairs a line changed by hand', () => {
    run('k', 'a', 'b');
    // A line that no longer parses: the answer is still right, and the file is written again.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"name":"a"', '"name":a'));
    const broken = run('k', 'a', 'b');
    expect(broken.out).toStrictEqual(expected('a', 'b'));
    expect(run('k', 'a', 'b').built).toEqual([]);
    for (const text of ['', 'not json\n[]', '{"key":"k","units":["a","b"]}\n[\n{}\n]\n', '{"key":"k","units":[1]}\n[\n{}\n]\n']) {
      writeFileSync(file, text);
      const again = run('k', 'a', 'b');
      expect(again.built).toEqual(['a', 'b']);
      expect(again.out).toStrictEqual(expected('a', 'b'));
    }
  });
});
