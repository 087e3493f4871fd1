import { defaultLanguages } from '../languages';
import { extractCode, fencedBlocks } from './code-extraction';
import { LlmError } from './errors';

const python = defaultLanguages.get('python')!;
const ts = defaultLanguages.get('typescript')!;

describe('extractCode', () => {
  it('takes a fenced block with or without a language tag', () => {
    expect(extractCode('Here:\n```python\ndef f():\n    return 1\n```\nDone.', python, 'u')).toBe('def f():\n    return 1\n');
    expect(extractCode('```\nx = 1\n```', python, 'u')).toBe('x = 1\n');
    expect(extractCode('~~~py\nx = 2\n~~~', python, 'u')).toBe('x = 2\n');
  });

  it("picks the block in the unit's language, else the largest untagged one; never another language's", () => {
    const answer = '```bash\npip install x\n```\n```ts\nexport const a = 1;\n```\n```typescript\nexport const b = 2;\nexport const c = 3;\n```';
    expect(extractCode(answer, ts, 'u')).toBe('export const b = 2;\nexport const c = 3;\n');
    expect(extractCode('```js\nconst small = 1;\n```\n```\nx = "untagged"\n```', python, 'u')).toBe('x = "untagged"\n');
    expect(() => extractCode('```javascript\nconsole.log(1)\n```', python, 'calc generate')).toThrow(
      "calc generate: the answer's code is javascript, not Python (fence tags python, py, python3); nothing was written",
    );
  });

  it('keeps nested shorter fences inside a longer one', () => {
    expect(fencedBlocks('````md\n```py\nx\n```\n````')).toEqual([{ tag: 'md', code: '```py\nx\n```' }]);
  });

  it.each([
    ['an empty answer', '   \n', 'empty answer'],
    ['prose only', 'I am sorry, I cannot help with that request.', 'no fenced code block (it starts "I am sorry'],
    ['an empty block', '```python\n\n```', 'no fenced code block'],
    ['an unclosed fence', '```python\ndef f(): pass', 'no fenced code block'],
  ])('rejects %s, writing nothing', (_, answer, message) => {
    expect(() => extractCode(answer, python, 'calc_python generate')).toThrow(message);
    try {
      extractCode(answer, python, 'calc_python generate');
    } catch (e) {
      expect(e).toBeInstanceOf(LlmError);
      expect((e as LlmError).kind).toBe('bad-answer');
      expect((e as LlmError).message.startsWith('calc_python generate:')).toBe(true);
    }
  });
});
