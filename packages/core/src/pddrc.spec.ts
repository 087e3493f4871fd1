import { PddError } from './errors';
import { parsePddrc, selectContext } from './pddrc';

const SAMPLE = `version: "1.0"
contexts:
  backend:
    paths: ["backend/**", "api/**"]
    defaults:
      generate_output_path: "backend/src/"
      prompts_dir: "prompts/backend"
      strength: 0.8
      target_coverage: 90.0
  frontend:
    paths: ["frontend/**", "ui/components/**"]
    defaults:
      generate_output_path: "frontend/src/"
  default:
    defaults: {}
`;

describe('parsePddrc', () => {
  it('reads PDD contexts as they are', () => {
    const rc = parsePddrc(SAMPLE, '.pddrc');
    expect(rc.root).toBe('');
    expect(rc.contexts.map((c) => c.name)).toEqual(['backend', 'frontend', 'default']);
    expect(rc.contexts[0]).toEqual({
      name: 'backend',
      paths: ['backend/**', 'api/**'],
      defaults: { generate_output_path: 'backend/src/', prompts_dir: 'prompts/backend', strength: 0.8, target_coverage: 90 },
    });
    expect(rc.warnings).toEqual([]);
  });

  it('warns about unknown keys but never fails on them', () => {
    const rc = parsePddrc('version: "1"\nflavour: x\ncontexts:\n  a:\n    colour: red\n    defaults:\n      mystery: 1\n', 'sub/.pddrc');
    expect(rc.root).toBe('sub');
    expect(rc.warnings).toEqual([
      'sub/.pddrc: unknown key "flavour" ignored (known: version, contexts, checkup, ci)',
      'sub/.pddrc: context "a": unknown key "colour" ignored',
      'sub/.pddrc: context "a": unknown default "mystery" ignored',
    ]);
  });

  it('reports malformed YAML with file and line', () => {
    expect(() => parsePddrc('contexts:\n  a:\n    paths: [unclosed\n', '.pddrc')).toThrow(PddError);
    try {
      parsePddrc('contexts:\n  a:\n  b: [\n', '.pddrc');
    } catch (e) {
      expect((e as PddError).location?.file).toBe('.pddrc');
      expect((e as PddError).location?.line).toBeGreaterThan(0);
    }
  });

  it('rejects values of the wrong type, naming key and line', () => {
    const text = 'contexts:\n  a:\n    defaults:\n      strength: high\n';
    expect(() => parsePddrc(text, '.pddrc')).toThrow('.pddrc:4: context "a": "strength" must be a number, got "high"');
    expect(() => parsePddrc('contexts: [1, 2]\n', '.pddrc')).toThrow('"contexts" must be a mapping');
    expect(() => parsePddrc('contexts:\n  a:\n    paths: 3\n', '.pddrc')).toThrow('"paths" must be a list of glob strings');
  });

  it('accepts an empty file and outputs templates', () => {
    expect(parsePddrc('', '.pddrc').contexts).toEqual([]);
    const rc = parsePddrc('contexts:\n  ts:\n    defaults:\n      outputs:\n        code:\n          path: "src/{category}/{name}.{ext}"\n', '.pddrc');
    expect(rc.contexts[0].defaults.outputs).toEqual({ code: { path: 'src/{category}/{name}.{ext}' } });
  });
});

describe('selectContext', () => {
  const rc = parsePddrc(SAMPLE, '.pddrc');

  it('prefers the longest prompts_dir prefix', () => {
    expect(selectContext(rc, 'prompts/backend/api_python.prompt', 'api_python.prompt')?.name).toBe('backend');
  });

  it('then the most specific paths glob, matched from the root or the prompts dir', () => {
    expect(selectContext(rc, 'prompts/ui/components/button_typescriptreact.prompt', 'ui/components/button_typescriptreact.prompt')?.name).toBe('frontend');
    expect(selectContext(rc, 'frontend/prompts/x_typescript.prompt', 'x_typescript.prompt')?.name).toBe('frontend');
  });

  it('then default, and an explicit name wins over everything', () => {
    expect(selectContext(rc, 'prompts/calc_python.prompt', 'calc_python.prompt')?.name).toBe('default');
    expect(selectContext(rc, 'prompts/backend/api_python.prompt', 'api_python.prompt', 'frontend')?.name).toBe('frontend');
    expect(() => selectContext(rc, 'prompts/a_python.prompt', 'a_python.prompt', 'nope')).toThrow('context "nope" is not defined');
  });

  it('breaks glob ties by the longest literal prefix', () => {
    const tie = parsePddrc('contexts:\n  wide:\n    paths: ["**/*.prompt"]\n  narrow:\n    paths: ["prompts/core/**"]\n', '.pddrc');
    expect(selectContext(tie, 'prompts/core/a_python.prompt', 'core/a_python.prompt')?.name).toBe('narrow');
    expect(selectContext(tie, 'prompts/b_python.prompt', 'b_python.prompt')?.name).toBe('wide');
  });
});
