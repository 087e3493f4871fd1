export function total(items: number[]): string {
  return format(items.reduce((a, b) => a + b, 0));
}

function format(n: number): string {
  return `$${n.toFixed(2)}`;
}
