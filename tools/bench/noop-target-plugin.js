// Adds two targets to every nx-pdd unit project (same root and name as nx-pdd's:
// prompts/u1_python.prompt -> u1), so that sync-cached.mjs can show what Nx itself costs per task:
// - `noop`: an `nx:noop` target (not cached, no dependencies, no inputs);
// - `cached-noop`, when the workspace has sync-shape.json (written by sync-cached.mjs): a cached
//   target with the unit's sync inputs and outputs and the same dependencies whose command does
//   nothing. Fully cached, it costs what Nx costs to hash, look up and restore those tasks.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

exports.createNodesV2 = [
  '**/*.prompt',
  (files, _options, context) => {
    const shapeFile = join(context.workspaceRoot, 'sync-shape.json');
    const shape = existsSync(shapeFile) ? JSON.parse(readFileSync(shapeFile, 'utf8')) : {};
    return files.map((file) => {
      const root = file.replace(/\.prompt$/, '');
      const name = root.slice(root.lastIndexOf('/') + 1).replace(/_[^_]+$/, '');
      const targets = { noop: { executor: 'nx:noop', inputs: [] } };
      if (shape[file])
        targets['cached-noop'] = {
          executor: 'nx:run-commands',
          options: { command: 'true' },
          cache: true,
          inputs: shape[file].inputs,
          outputs: shape[file].outputs,
          dependsOn: ['^cached-noop'],
        };
      return [file, { projects: { [root]: { name, targets } } }];
    });
  },
];
