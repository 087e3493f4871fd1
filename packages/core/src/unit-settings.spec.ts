import { parsePddrc } from './pddrc';
import { BUILT_IN_SETTINGS, resolveUnitSettings } from './unit-settings';

describe('resolveUnitSettings', () => {
  const context = parsePddrc('contexts:\n  default:\n    defaults:\n      strength: 0.6\n      budget: 7\n      generate_output_path: "ctx/"\n', '.pddrc')
    .contexts[0];
  const env = { PDD_STRENGTH_DEFAULT: '0.3', PDD_TEST_COVERAGE_TARGET: '75', PDD_GENERATE_OUTPUT_PATH: 'env/', PDD_MODEL_DEFAULT: 'gpt-x' };

  it('uses PDD built-ins when nothing is set', () => {
    expect(resolveUnitSettings({})).toEqual(BUILT_IN_SETTINGS);
    expect(BUILT_IN_SETTINGS).toMatchObject({ budget: 20, maxAttempts: 3, targetCoverage: 90, strength: 1, temperature: 0, time: 0.25 });
  });

  it('applies flag > plugin option > .pddrc context > environment > built-in', () => {
    const s = resolveUnitSettings({ env, context, pluginOptions: { budget: 9 }, flags: { budget: 11 } });
    expect(s.budget).toBe(11); // flag
    expect(resolveUnitSettings({ env, context, pluginOptions: { budget: 9 } }).budget).toBe(9); // plugin option
    expect(s.strength).toBe(0.6); // context beats env
    expect(s.generateOutputPath).toBe('ctx/');
    expect(s.targetCoverage).toBe(75); // env beats built-in
    expect(s.model).toBe('gpt-x');
    expect(s.maxAttempts).toBe(3); // built-in
  });

  it('ignores a non-numeric environment value for a numeric setting', () => {
    expect(resolveUnitSettings({ env: { PDD_STRENGTH_DEFAULT: 'strong' } }).strength).toBe(1);
  });

  it('ignores undefined layers instead of erasing lower ones', () => {
    expect(resolveUnitSettings({ context, pluginOptions: { budget: undefined } }).budget).toBe(7);
  });
});
