import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { declarationNames } from '../code-interface';
import { resolveUnits } from '../units';
import { untestedDeclarations } from './observe';

it('names of a public interface: functions, classes, methods, constants; no dunder hooks', () => {
  expect(
    declarationNames([
      'def add(a, b)',
      'class Calc:',
      'class Calc: def total(self)',
      'class Calc: def __init__(self)',
      'RATE: float',
      'export function mul(a: number, b: number): number',
      'export const PI = 3.14',
    ]),
  ).toEqual(['Calc', 'PI', 'RATE', 'add', 'mul', 'total']);
});

it('only names the code gained since its tests were written, and only those no test mentions', async () => {
  const ws = new TempWorkspace().write({
    'prompts/calc_python.prompt': 'x',
    'calc.py': 'def add(a, b):\n    return a + b\n\n\ndef multiply(a, b):\n    return a * b\n\n\ndef divide(a, b):\n    return a / b\n',
    'tests/test_calc.py': 'from calc import add, divide\n\ndef test_add():\n    assert add(1, 2) == 3\n',
  });
  try {
    const unit = resolveUnits(['prompts/calc_python.prompt'], { workspaceRoot: ws.root }).units[0];
    expect(await untestedDeclarations(ws.root, unit, ['add'])).toEqual(['multiply']);
    expect(await untestedDeclarations(ws.root, unit, ['add', 'multiply'])).toEqual([]);
    // Nothing recorded (tests nx-pdd never wrote): no judgement.
    expect(await untestedDeclarations(ws.root, unit, undefined)).toEqual([]);
  } finally {
    ws.dispose();
  }
});
