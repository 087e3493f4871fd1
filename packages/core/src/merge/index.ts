export * from './merge-file';
export * from './line-merge';
export * from './keep-regions';
export * from './declarations';
export * from './declaration-merge';
export { hasGrammar, parses } from './syntax';
export * from './text';
