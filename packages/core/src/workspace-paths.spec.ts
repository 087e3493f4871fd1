import { joinPosix, normalizePosix } from './workspace-paths';

describe('posix paths', () => {
  it('normalizes . and .. segments, empty parts and a trailing slash; a normal path comes back as it is', () => {
    const cases: Record<string, string> = {
      'a/b': 'a/b',
      '/a/b': '/a/b',
      'a/./b': 'a/b',
      'a/../b': 'b',
      '../a': '../a',
      'a//b': 'a/b',
      'a/b/': 'a/b',
      '.': '',
      '': '',
      './a': 'a',
      'a/..': '',
      '..': '..',
      'a/.b': 'a/.b',
      'a/..b': 'a/..b',
      '.a/b': '.a/b',
      '.pdd/meta/x_python.json': '.pdd/meta/x_python.json',
    };
    expect(Object.fromEntries(Object.keys(cases).map((c) => [c, normalizePosix(c)]))).toEqual(cases);
    expect(joinPosix('', 'apps/api', '.pdd', 'meta')).toBe('apps/api/.pdd/meta');
  });
});
