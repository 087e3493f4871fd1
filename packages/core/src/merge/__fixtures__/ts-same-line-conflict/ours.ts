export const LIMIT = 10;

export function clamp(n: number): number {
  return Math.max(0, Math.min(n, LIMIT));
}
