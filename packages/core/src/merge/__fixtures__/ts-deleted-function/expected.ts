export function one(): number {
  return 1; // the first
}

export function two(): number {
  return 2;
}
