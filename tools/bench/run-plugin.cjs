// Runs nx-pdd's createNodes and createDependencies over the workspace in the current folder, in
// a fresh process as an Nx command without a daemon has, and prints one JSON line: the times
// (ms: @nx/devkit's load, nx-pdd's load after it, createNodes, createDependencies) and the
// counts; with --graph, also the projects by prompt file and the edges (floor.mjs replays them).
const t0 = process.hrtime.bigint();
require('@nx/devkit');
const t1 = process.hrtime.bigint();
const plugin = require('nx-pdd');
const t2 = process.hrtime.bigint();
const { readdirSync } = require('node:fs');
const { getAllFileDataInContext } = require('nx/src/utils/workspace-context');

(async () => {
  const files = readdirSync('prompts', { recursive: true })
    .filter((f) => f.endsWith('.prompt'))
    .map((f) => `prompts/${f}`);
  const ctx = { nxJsonConfiguration: {}, workspaceRoot: process.cwd() };
  const all = await getAllFileDataInContext(process.cwd());
  const c0 = process.hrtime.bigint();
  const results = await plugin.createNodesV2[1](files, {}, ctx);
  const c1 = process.hrtime.bigint();
  const projects = Object.fromEntries(results.flatMap(([, r]) => Object.values(r.projects)).map((p) => [p.name, p]));
  const edges = await plugin.createDependencies(
    {},
    { ...ctx, projects, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: all }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } },
  );
  const c2 = process.hrtime.bigint();
  const ms = (a, b) => Number(b - a) / 1e6;
  const out = {
    devkit: ms(t0, t1),
    load: ms(t1, t2),
    createNodes: ms(c0, c1),
    createDependencies: ms(c1, c2),
    projects: Object.keys(projects).length,
    edges: edges.length,
  };
  if (process.argv.includes('--graph')) Object.assign(out, { graph: { projects: Object.fromEntries(results.map(([file, r]) => [file, r.projects])), edges } });
  process.stdout.write(JSON.stringify(out));
})();
