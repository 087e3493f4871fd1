export function one(): number {
  return 1; // the first
}

export function old(): number {
  return 0;
}

export function two(): number {
  return 2;
}
