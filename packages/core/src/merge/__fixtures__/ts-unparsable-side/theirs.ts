export function f(): number {
  return 1;
}

export function g(): number {
  return (2;
}
