/** Test runners for JavaScript/TypeScript units (Python units use pytest). */
export type JsTestRunner = 'node-test' | 'jest' | 'vitest';
export const JS_TEST_RUNNERS: readonly JsTestRunner[] = ['node-test', 'jest', 'vitest'];
