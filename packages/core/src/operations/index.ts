export * from './templates';
export * from './artifact-store';
export * from './operation';
export * from './generating-operations';
export * from './context-candidates';
export * from './prompt-operations';
export * from './run-operation';
export * from './llm-session';
