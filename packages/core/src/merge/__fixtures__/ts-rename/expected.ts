export function welcome(name: string): string {
  return `Hello, ${name}!`;
}
