import { carryKeepRegions, findKeepRegions } from './keep-regions';

describe('pdd-keep regions', () => {
  it('finds named and unnamed regions in # and // comments; an unclosed one is reported', () => {
    const lines = ['a', '# <pdd-keep name="x">', 'b', '# </pdd-keep>', '  // <pdd-keep>', 'c', '  // </pdd-keep>', '// <pdd-keep>', 'd'];
    const found = findKeepRegions(lines);
    expect(found.regions.map((r) => [r.name, r.start, r.end])).toEqual([
      ['x', 1, 3],
      [null, 4, 6],
    ]);
    expect(found.unclosed).toEqual([8]);
  });

  it('replaces the region of the same name in the new generation with ours, verbatim', () => {
    const ours = ['def f():', '    # <pdd-keep name="r">', '    n = 5', '    # </pdd-keep>', '    return n'];
    const theirs = ['def f(x=1):', '    # <pdd-keep name="r">', '    n = 3', '    # </pdd-keep>', '    return n * x'];
    expect(carryKeepRegions(ours, theirs)).toEqual({
      lines: ['def f(x=1):', '    # <pdd-keep name="r">', '    n = 5', '    # </pdd-keep>', '    return n * x'],
      notes: [],
    });
  });

  it('puts a region the generation dropped after the line that preceded it', () => {
    const ours = ['a = 1', '// <pdd-keep>', 'hack()', '// </pdd-keep>', 'b = 2'];
    expect(carryKeepRegions(ours, ['a = 1', 'b = 3']).lines).toEqual(['a = 1', '// <pdd-keep>', 'hack()', '// </pdd-keep>', 'b = 3']);
  });

  it('puts it at the end, and says so, when that line is gone too', () => {
    const ours = ['zzz', '# <pdd-keep>', 'x', '# </pdd-keep>'];
    const out = carryKeepRegions(ours, ['a', '']);
    expect(out.lines).toEqual(['a', '# <pdd-keep>', 'x', '# </pdd-keep>', '']);
    expect(out.notes[0]).toMatch(/put at the end/);
  });
});
