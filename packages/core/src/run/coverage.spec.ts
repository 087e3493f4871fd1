import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coverageFormatOf, parseCoverage } from './coverage';

const fixture = (name: string) => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('coverage reports (fixtures written by coverage.py 6.5 and c8 10)', () => {
  it('coverage.py JSON', () => expect(parseCoverage(fixture('coverage-py.json'), 'coverage.py')).toBe(50));
  it('istanbul coverage-summary.json (lines)', () => expect(parseCoverage(fixture('istanbul-coverage-summary.json'), 'istanbul')).toBe(50));
  it('Cobertura XML (line-rate)', () => expect(parseCoverage(fixture('c8-cobertura.xml'), 'cobertura')).toBe(50));
  it('no total is "not measured", never 0', () => {
    expect(parseCoverage('{"files": {}}', 'coverage.py')).toBeNull();
    expect(parseCoverage('{}', 'istanbul')).toBeNull();
    expect(parseCoverage('<coverage/>', 'cobertura')).toBeNull();
  });
  it('tells the format by the file name', () => {
    expect(['coverage.json', 'out/coverage-summary.json', 'cobertura-coverage.xml'].map(coverageFormatOf)).toEqual(['coverage.py', 'istanbul', 'cobertura']);
  });
});
