// Times Nx's task hashing for `nx run-many -t <target>` over the workspace in the current
// folder, the way Nx's task orchestrator does it without a daemon: in batches, a task once
// every task it depends on is done (a task that takes its dependencies' outputs cannot be
// hashed before). Runs nothing. Prints the median of --runs.
//   cd <workspace, e.g. one kept by KEEP=1 sync-cached.mjs> && node <repo>/tools/bench/hash-tasks.mjs sync
//   node <repo>/tools/bench/hash-tasks.mjs sync --inputs='["pdd-prompt"]'   # with other inputs
// Uses Nx's internal modules (nx/dist/src/...) of the workspace: a benchmark, checked on Nx 22.7.8.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { arg, median } from './nx-runner.mjs';

const target = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'sync';
const runs = Number(arg('runs', 9));
const inputs = arg('inputs', null);
const require = createRequire(join(process.cwd(), 'package.json'));
const nx = (path) => require(join(process.cwd(), 'node_modules/nx/dist/src', path));
process.env.NX_DAEMON = 'false';

try {
  const { createProjectGraphAsync } = nx('project-graph/project-graph');
  const { createTaskGraph } = nx('tasks-runner/create-task-graph');
  const { InProcessTaskHasher } = nx('hasher/task-hasher');
  const { getFileMap } = nx('project-graph/build-project-graph');
  const { readNxJson } = nx('config/nx-json');
  const { hashTasks } = nx('hasher/hash-task');
  const { getTaskSpecificEnv } = nx('tasks-runner/task-env');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  if (inputs) for (const node of Object.values(graph.nodes)) if (node.data.targets?.[target]) node.data.targets[target].inputs = JSON.parse(inputs);
  const projects = Object.keys(graph.nodes).filter((p) => graph.nodes[p].data.targets?.[target]);
  const taskGraph = createTaskGraph(graph, {}, projects, [target], undefined, {});
  const tasks = Object.values(taskGraph.tasks);
  const { rustReferences } = getFileMap();
  const times = [];
  let batches = 0;
  for (let run = 0; run < runs; run++) {
    for (const t of tasks) delete t.hash;
    const hasher = new InProcessTaskHasher(graph, readNxJson(), rustReferences, {});
    const done = new Set();
    const started = performance.now();
    for (batches = 0; done.size < tasks.length; batches++) {
      const ready = tasks.filter((t) => !done.has(t.id) && taskGraph.dependencies[t.id].every((d) => done.has(d)));
      const envs = Object.fromEntries(ready.map((t) => [t.id, getTaskSpecificEnv(t, graph)]));
      await hashTasks(hasher, graph, taskGraph, envs, null, ready);
      for (const t of ready) done.add(t.id);
    }
    times.push(Math.round(performance.now() - started));
  }
  console.log(`${tasks.length} ${target} tasks in ${batches} batches: hashing median ${median(times)} ms (${times.join(', ')})`);
} catch (e) {
  console.error(e);
  process.exit(1);
}
