import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_NAMES, OPERATIONS } from '@nx-pdd/core';
import { TARGETS } from '../plugins/options';

// executors.json is what Nx reads; the catalogue is where operations are written. They must agree.
describe('executors.json', () => {
  const root = join(__dirname, '..', '..');
  const executors = JSON.parse(readFileSync(join(root, 'executors.json'), 'utf8')).executors as Record<
    string,
    { implementation: string; schema: string; description: string }
  >;

  it("registers exactly one executor per target the plugin infers (the catalogue's operations, preprocess, sync)", () => {
    expect(Object.keys(executors).sort()).toEqual([...TARGETS].sort());
  });

  it('describes each operation as the catalogue does, and points at its executor and schema', () => {
    for (const op of OPERATION_NAMES) {
      expect({ op, description: executors[op].description }).toEqual({ op, description: OPERATIONS[op].executorDescription });
    }
    for (const name of TARGETS) {
      expect(executors[name]).toMatchObject({ implementation: `./dist/executors/${name}/executor`, schema: `./dist/executors/${name}/schema.json` });
      expect({
        name,
        source: existsSync(join(root, 'src/executors', name, 'executor.ts')),
        schema: existsSync(join(root, 'src/executors', name, 'schema.json')),
      }).toEqual({ name, source: true, schema: true });
    }
  });
});
