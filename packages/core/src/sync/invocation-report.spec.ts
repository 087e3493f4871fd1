import { summaryJunit, summaryLines, SummaryRow } from './invocation-report';

const record = (project: string, ok: boolean, operations: string[], costUsd: number) => ({
  project,
  unit: `${project}_python`,
  ok,
  state: ok ? 'completed' : 'failed',
  reason: ok ? 'in sync' : '"fix" failed 3 times\nmore',
  operations,
  costUsd,
  seconds: 1.5,
  reportFile: null,
});

describe('the summary of one sync invocation', () => {
  const rows: SummaryRow[] = [
    { project: 'api', end: 'ran', record: record('api', true, ['generate', 'test'], 0.04), blockedBy: [] },
    { project: 'billing', end: 'ran', record: record('billing', false, ['fix (failed)'], 0.01), blockedBy: [] },
    { project: 'cli', end: 'skipped', record: null, blockedBy: ['billing'] },
    { project: 'core', end: 'cache', record: null, blockedBy: [] },
    { project: 'edge', end: 'failed-to-start', record: null, blockedBy: [] },
  ];

  it('one line per unit, then the totals', () => {
    expect(summaryLines(rows)).toEqual([
      'nx-pdd sync summary',
      '  api      in sync: generate, test; $0.04; 1.5 s',
      '  billing  NOT in sync (failed): fix (failed); $0.01; 1.5 s — "fix" failed 3 times',
      '  cli      not run: its dependency billing failed',
      '  core     in sync (Nx cache: no work)',
      '  edge     failed before sync ran (see its output above)',
      '  5 units: 2 in sync, 2 failed, 1 not run; cost $0.05',
    ]);
  });

  it('a dry run counts only units with nothing to do as in sync', () => {
    const planned = (project: string, operations: string[], ok = true) => ({
      ...record(project, ok, operations, 0),
      state: 'planned',
      estimatedUsd: operations.length * 0.01,
      reason: ok ? 'plan' : 'prompts/d_python.prompt cannot be used',
    });
    const lines = summaryLines([
      { project: 'a', end: 'ran', record: planned('a', []), blockedBy: [] },
      { project: 'b', end: 'ran', record: planned('b', ['generate']), blockedBy: [] },
      { project: 'd', end: 'ran', record: planned('d', [], false), blockedBy: [] },
    ]);
    expect(lines[0]).toBe('nx-pdd sync summary (dry run: no unit file written, nothing spent; this summary is in .pdd/runs/)');
    expect(lines.at(-1)).toBe('  3 units: 1 in sync, 1 with work to do (dry run, estimated $0.01), 1 failed, 0 not run; cost $0.00');
    // A dry run Nx replays from its cache is not called in sync.
    const replay = summaryLines(
      [
        { project: 'a', end: 'ran', record: planned('a', []), blockedBy: [] },
        { project: 'c', end: 'cache', record: null, blockedBy: [] },
      ],
      { dryRun: true },
    );
    expect(replay).toContain('  c     dry run replayed from the Nx cache (its plan is printed above)');
    expect(replay.at(-1)).toBe(
      '  2 units: 1 in sync, 0 with work to do (dry run, estimated $0.00), 1 dry runs replayed from the Nx cache, 0 failed, 0 not run; cost $0.00',
    );
  });

  it('as JUnit: failures, skipped, passed, escaped', () => {
    const xml = summaryJunit([...rows, { project: 'a<b>&"c"', end: 'cache', record: null, blockedBy: [] }]);
    expect(xml).toContain('<testsuite name="nx-pdd sync" tests="6" failures="2" errors="0" skipped="1" time="3.000">');
    expect(xml).toContain(
      '<testcase classname="nx-pdd.sync" name="billing" time="1.500">\n      <failure message="failed: &quot;fix&quot; failed 3 times">&quot;fix&quot; failed 3 times\nmore</failure>',
    );
    expect(xml).toContain('<skipped message="not run: its dependency billing failed"/>');
    expect(xml).toContain('name="a&lt;b&gt;&amp;&quot;c&quot;"');
  });
});
