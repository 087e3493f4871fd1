export function add(a: number, b: number): number {
  // keep integers exact
  return Math.round(a) + Math.round(b);
}

/** a minus b */
export function sub(a: number, b: number): number {
  return a - b;
}
