export function add(a: number, b: number): number {
  return a + b;
}

/** a minus b */
export function sub(a: number, b: number): number {
  return a - b;
}
