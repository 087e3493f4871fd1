export function a(): number {
  return 1;
}

export function b(): number {
  return 3;
}
