export { createNodes, createNodesV2, createDependencies } from './plugins/plugin';
export { preTasksExecution, postTasksExecution } from './plugins/sync-summary';
export type { NxPddPluginOptions } from './plugins/options';
