export { createNodes, createNodesV2, createDependencies } from './plugins/plugin';
export type { NxPddPluginOptions } from './plugins/options';
