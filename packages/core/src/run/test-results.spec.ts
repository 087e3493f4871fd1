import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFailure, describeFailures, parseJestJson, parseJUnit } from './test-results';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('JUnit results (fixtures written by the real runners)', () => {
  it('pytest: passed, failed, errored, skipped, with classes', () => {
    const r = parseJUnit(fixture('pytest-mixed.xml'));
    expect([r.passed, r.failed, r.errored, r.skipped]).toEqual([1, 2, 1, 1]);
    expect(r.tests.map((t) => [t.name, t.status, t.failureClass])).toEqual([
      ['test_add', 'passed', null],
      ['test_add_wrong', 'failed', 'assertion'],
      ['test_attr', 'failed', 'attribute'],
      ['test_skipped', 'skipped', null],
      ['test_uses_broken', 'errored', 'other'],
    ]);
    expect(r.tests[1].message).toBe('assert 4 == 5\n +  where 4 = add(2, 2)');
    expect(describeFailures(r)).toContain("- test_calc::test_attr [attribute] AttributeError: module 'calc' has no attribute 'mul'");
  });

  it('pytest: a module that does not import is a collection error classed as import', () => {
    const r = parseJUnit(fixture('pytest-collection-error.xml'));
    expect(r.errored).toBe(1);
    expect(r.tests[0]).toMatchObject({ status: 'errored', message: 'collection failure', failureClass: 'import' });
  });

  it('node --test junit reporter', () => {
    const r = parseJUnit(fixture('node-test.xml'));
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 2, 1]);
    expect(r.tests.filter((t) => t.status === 'failed').map((t) => t.failureClass)).toEqual(['assertion', 'type']);
  });

  it('classifies one sample of each class', () => {
    expect(classifyFailure('  File "x.py", line 3\n    def f(\nSyntaxError: invalid syntax')).toBe('syntax');
    expect(classifyFailure("ModuleNotFoundError: No module named 'requests'")).toBe('import');
    expect(classifyFailure("Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x'")).toBe('import');
    expect(classifyFailure("NameError: name 'mul' is not defined")).toBe('name');
    expect(classifyFailure('ReferenceError: mul is not defined')).toBe('name');
    expect(classifyFailure("TypeError: add() missing 1 required positional argument: 'b'")).toBe('type');
    expect(classifyFailure('assert 4 == 5')).toBe('assertion');
    expect(classifyFailure('the test timed out after 30 s')).toBe('timeout');
    expect(classifyFailure('ERROR collecting test_x.py\nSyntaxError: bad')).toBe('syntax');
    expect(classifyFailure('ERROR collecting test_x.py\nsomething odd')).toBe('collection');
    expect(classifyFailure('Segmentation fault')).toBe('other');
  });
});

describe('jest and vitest reports (fixtures written by jest 30 and vitest 3)', () => {
  it('jest --json', () => {
    const r = parseJestJson(fixture('jest.json'));
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 2, 1]);
    expect(r.tests.filter((t) => t.status === 'failed').map((t) => [t.name, t.failureClass])).toEqual([
      ['fails', 'assertion'],
      ['type error', 'type'],
    ]);
  });
  it('vitest junit reporter', () => {
    const r = parseJUnit(fixture('vitest-junit.xml'));
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 1, 1]);
    expect(r.tests[1]).toMatchObject({ name: 'fails', failureClass: 'assertion', message: 'expected 4 to be 5 // Object.is equality' });
  });
});
