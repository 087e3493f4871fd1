import { normalizeOptions } from './options';

describe('plugin options from nx.json', () => {
  it('takes well-typed options', () => {
    const o = normalizeOptions({
      projectNamePrefix: 'pdd-',
      allowShell: false,
      passEnv: ['JAVA_OPTS'],
      sandbox: 'off',
      strength: 0.5,
      languages: [{ name: 'Klingon', extension: '.kl' }],
    });
    expect(o.projectNamePrefix).toBe('pdd-');
    expect(o.passEnv).toEqual(['JAVA_OPTS']);
    expect(o.sandbox).toBe('off');
    expect(o.languageTable.get('klingon')?.extension).toBe('.kl');
  });

  it.each([
    [{ projectNamePrefix: 3 }, 'the nx.json option "projectNamePrefix" of the nx-pdd plugin must be a string, got 3'],
    [{ allowShell: 'yes' }, '"allowShell" of the nx-pdd plugin must be true or false, got "yes"'],
    [{ languages: { name: 'x' } }, '"languages" of the nx-pdd plugin must be a list of { "name", "extension", ... } objects'],
    [{ languages: [{ name: 'x' }] }, '"languages" of the nx-pdd plugin must be a list of'],
    [{ passEnv: 'HOME' }, '"passEnv" of the nx-pdd plugin must be a list of strings, got "HOME"'],
    [{ strength: 'high' }, '"strength" of the nx-pdd plugin must be a number, got "high"'],
    [{ budget: null }, '"budget" of the nx-pdd plugin must be a number, got null'],
    [{ testRunners: ['jest'] }, '"testRunners" of the nx-pdd plugin must be an object'],
    [{ syncTargetName: false }, '"syncTargetName" of the nx-pdd plugin must be a string, got false'],
    [{ sandbox: 'maybe' }, 'plugin option sandbox must be "auto", "require" or "off", got "maybe"'],
  ])('names a wrongly typed option: %j', (options, message) => {
    expect(() => normalizeOptions(options as never)).toThrow(message);
  });
});
