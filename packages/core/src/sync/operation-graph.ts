import { PddError } from '../errors';
import { OPERATION_NAMES, OPERATIONS, OperationName, Product } from '../operations/catalogue';

/*
 * The explicit operation graph (rule operation-graph): every ordering between operations comes from
 * the catalogue's prerequisites and products, never from the order code happens to call them in.
 */

/** The operation that produces a product (the first declared, for `prompt` none: it is the user's). */
function producerOf(product: Product): OperationName | null {
  if (product === 'prompt') return null;
  return OPERATION_NAMES.find((op) => OPERATIONS[op].produces.includes(product)) ?? null;
}

/**
 * The operations needed to run `targets`, prerequisites first (topological order; ties in the
 * order of `OPERATION_NAMES`). Throws for an unknown operation name.
 */
export function executionOrder(targets: readonly string[]): OperationName[] {
  const order: OperationName[] = [];
  const visiting = new Set<OperationName>();
  const visit = (name: OperationName) => {
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
    if (!(t in OPERATIONS)) throw new PddError('OPERATION_UNKNOWN', `unknown operation "${t}" (operations: ${OPERATION_NAMES.join(', ')})`);
    visit(t as OperationName);
  }
  return order;
}

/** Throws an error naming the first missing prerequisite and the operation that makes it. */
export function checkPrerequisites(operation: OperationName, available: ReadonlySet<Product>): void {
  const missing = OPERATIONS[operation].prerequisites.find((p) => !available.has(p));
  if (missing) {
    const producer = producerOf(missing);
    throw new PddError('PREREQUISITE', `"${operation}" needs ${missing.replace(/_/g, ' ')}${producer ? `, which "${producer}" produces` : ''}; it is missing`);
  }
}
