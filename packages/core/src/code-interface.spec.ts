import { publicInterface } from './code-interface';

describe('public interface of a module', () => {
  it('python: public functions, classes with their public methods, public names; not bodies or private helpers', async () => {
    const code = [
      'import os',
      '__all__ = ["add", "Calc"]',
      'RATE: float = 0.1',
      '_cache = {}',
      '',
      '@functools.cache',
      'def add(a: int, b: int) -> int:',
      '    """Sum."""',
      '    return a + b',
      '',
      'def _helper(x):',
      '    return x',
      '',
      'class Calc(Base):',
      '    def __init__(self, n):',
      '        self.n = n',
      '    def total(self):',
      '        return self.n',
      '    def _private(self):',
      '        pass',
    ].join('\n');
    expect(await publicInterface('python', code)).toEqual([
      '@functools.cache def add(a: int, b: int) -> int:',
      'RATE: float',
      '__all__ = ["add", "Calc"]',
      'class Calc(Base):',
      'class Calc(Base): def __init__(self, n):',
      'class Calc(Base): def total(self):',
    ]);
  });

  it('python: a body-only change keeps the interface; a signature change does not', async () => {
    const a = await publicInterface('python', 'def add(a, b):\n    return a + b\n');
    expect(await publicInterface('python', 'def add(a, b):\n    # faster\n    return b + a\n')).toEqual(a);
    expect(await publicInterface('python', 'def add(a, b, c=0):\n    return a + b + c\n')).not.toEqual(a);
  });

  it('typescript: exported declarations only, as signatures', async () => {
    const code = [
      "import { x } from './x';",
      'export function total(items: number[]): string {',
      '  return String(items.length);',
      '}',
      'function hidden(): void {}',
      'export const rate: number = 0.1;',
      'export const double = (n: number): number => n * 2;',
      'export interface Options { verbose: boolean }',
      'export type Id = string;',
      'export class Store {',
      '  private items: string[] = [];',
      '  size = 0;',
      '  add(item: string): void { this.items.push(item); }',
      '}',
      "export { x } from './x';",
    ].join('\n');
    expect(await publicInterface('typescript', code)).toEqual([
      'export class Store',
      'export class Store add(item: string): void',
      'export class Store size',
      'export const double = (n: number): number =>',
      'export const rate: number',
      'export function total(items: number[]): string',
      'export interface Options { verbose: boolean }',
      'export type Id = string;',
      "export { x } from './x';",
    ]);
  });

  it('null without a grammar, or when the code does not parse', async () => {
    expect(await publicInterface('kotlin', 'fun main() {}')).toBeNull();
    expect(await publicInterface('python', 'def f(:\n')).toBeNull();
  });
});
