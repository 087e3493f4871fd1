import { PddError } from '../errors';

/** The operations sync can run, in PDD's names. */
export type SyncOperation = 'auto-deps' | 'generate' | 'update' | 'example' | 'crash' | 'verify' | 'generate-tests' | 'test' | 'fix';

/** What exists or holds for a unit; operations need some and produce others. */
export type Product = 'prompt' | 'dependencies_analyzed' | 'code_file' | 'example_file' | 'runnable_code' | 'functionally_verified' | 'test_file' | 'test_results' | 'passing_tests';

export interface OperationSpec {
  name: SyncOperation;
  prerequisites: readonly Product[];
  produces: readonly Product[];
  /** Profiles and flags may leave it out. */
  optional: boolean;
}

/**
 * The explicit operation graph (seed solution 2): every ordering between operations comes
 * from here, never from the order code happens to call them in.
 */
export const OPERATIONS: Readonly<Record<SyncOperation, OperationSpec>> = {
  'auto-deps': { name: 'auto-deps', prerequisites: ['prompt'], produces: ['dependencies_analyzed'], optional: true },
  generate: { name: 'generate', prerequisites: ['prompt'], produces: ['code_file'], optional: false },
  update: { name: 'update', prerequisites: ['prompt', 'code_file'], produces: ['prompt'], optional: false },
  example: { name: 'example', prerequisites: ['code_file'], produces: ['example_file'], optional: false },
  crash: { name: 'crash', prerequisites: ['code_file', 'example_file'], produces: ['runnable_code'], optional: false },
  verify: { name: 'verify', prerequisites: ['runnable_code'], produces: ['functionally_verified'], optional: true },
  'generate-tests': { name: 'generate-tests', prerequisites: ['code_file'], produces: ['test_file'], optional: false },
  test: { name: 'test', prerequisites: ['code_file', 'test_file'], produces: ['test_results'], optional: false },
  fix: { name: 'fix', prerequisites: ['code_file', 'test_file', 'test_results'], produces: ['passing_tests'], optional: false },
};

/** The operation that produces a product (the first declared, for `prompt` none: it is the user's). */
function producerOf(product: Product): SyncOperation | null {
  if (product === 'prompt') return null;
  return (Object.values(OPERATIONS).find((op) => op.produces.includes(product))?.name as SyncOperation) ?? null;
}

/**
 * The operations needed to run `targets`, prerequisites first (topological order; ties in the
 * order of `OPERATIONS`). Throws for an unknown operation name.
 */
export function executionOrder(targets: readonly string[]): SyncOperation[] {
  const order: SyncOperation[] = [];
  const visiting = new Set<SyncOperation>();
  const visit = (name: SyncOperation) => {
    if (order.includes(name)) return;
    if (visiting.has(name)) throw new PddError('OPERATION_GRAPH', `operation graph cycle through ${name}`);
    visiting.add(name);
    for (const product of OPERATIONS[name].prerequisites) {
      const producer = producerOf(product);
      if (producer && producer !== name) visit(producer);
    }
    visiting.delete(name);
    order.push(name);
  };
  for (const t of targets) {
    if (!(t in OPERATIONS)) throw new PddError('OPERATION_UNKNOWN', `unknown operation "${t}" (operations: ${Object.keys(OPERATIONS).join(', ')})`);
    visit(t as SyncOperation);
  }
  return order;
}

/** Throws an error naming the first missing prerequisite and the operation that makes it. */
export function checkPrerequisites(operation: SyncOperation, available: ReadonlySet<Product>): void {
  const missing = OPERATIONS[operation].prerequisites.find((p) => !available.has(p));
  if (missing) {
    const producer = producerOf(missing);
    throw new PddError('PREREQUISITE', `"${operation}" needs ${missing.replace(/_/g, ' ')}${producer ? `, which "${producer}" produces` : ''}; it is missing`);
  }
}
