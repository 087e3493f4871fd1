export * from './templates';
export * from './artifact-store';
export * from './generating-operations';
export * from './llm-session';
