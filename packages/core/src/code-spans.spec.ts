import { codeRanges, isInside } from './code-spans';

const slice = (text: string) => codeRanges(text).map((r) => text.slice(r.start, r.end));

describe('codeRanges', () => {
  it('finds fenced blocks with backticks and tildes', () => {
    const text = 'a\n```python\n<include>x</include>\n```\nb\n~~~\nc\n~~~\n';
    expect(slice(text)).toEqual(['```python\n<include>x</include>\n```', '~~~\nc\n~~~']);
  });

  it('needs a closing fence at least as long and of the same kind', () => {
    const text = '````\n```\nstill code\n````\nafter';
    expect(slice(text)).toEqual(['````\n```\nstill code\n````']);
  });

  it('runs an unclosed fence to the end', () => {
    expect(slice('a\n```\nb\n')).toEqual(['```\nb\n']);
  });

  it('finds inline spans with matching backtick runs', () => {
    expect(slice('use `<include>x</include>` or ``a ` b`` here, not ` alone')).toEqual(['`<include>x</include>`', '``a ` b``']);
  });

  it('does not take the PDD backtick include line for a fence', () => {
    expect(slice('```<context/a.py>```\n<include>b</include>\n')).toEqual([]);
  });

  it('answers membership', () => {
    const ranges = [
      { start: 2, end: 5 },
      { start: 9, end: 10 },
    ];
    expect([1, 2, 4, 5, 9, 10].map((o) => isInside(ranges, o))).toEqual([false, true, true, false, true, false]);
  });
});
