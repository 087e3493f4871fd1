export function f(): number {
  return 1 + 0;
}

export function g(): number {
  return (2;
}
