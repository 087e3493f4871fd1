// Adds an `nx:noop` target named `noop` to every nx-pdd unit project (same root and name as
// nx-pdd's: prompts/u1_python.prompt -> u1), so `nx run-many -t noop` over the same workspace
// shows what Nx itself costs per task.
exports.createNodesV2 = [
  '**/*.prompt',
  (files) =>
    files.map((file) => {
      const root = file.replace(/\.prompt$/, '');
      const name = root.slice(root.lastIndexOf('/') + 1).replace(/_[^_]+$/, '');
      return [file, { projects: { [root]: { name, targets: { noop: { executor: 'nx:noop', inputs: [] } } } } }];
    }),
];
