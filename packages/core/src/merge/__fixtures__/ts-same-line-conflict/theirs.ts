export const LIMIT = 10;

export function clamp(n: number): number {
  return n > LIMIT ? LIMIT : n;
}
