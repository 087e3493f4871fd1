// The floor for nx-pdd's inference (issue #16): a plugin that infers exactly the projects,
// targets and edges nx-pdd inferred for this workspace, replayed from one JSON file
// (`replay.json`, written by floor.mjs) and so doing no work of its own. What Nx costs for the
// same project graph is what this plugin costs; the rest of nx-pdd's time is its own.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

let replay;
const load = (root) => (replay ??= JSON.parse(readFileSync(join(root, 'replay.json'), 'utf8')));

exports.createNodesV2 = [
  '**/*.prompt',
  (files, _options, context) => {
    const { projects } = load(context.workspaceRoot);
    return files.map((file) => [file, projects[file] ? { projects: projects[file] } : {}]);
  },
];

exports.createDependencies = (_options, context) => load(context.workspaceRoot).edges;
