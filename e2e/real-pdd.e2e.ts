import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { E2EWorkspace, NX_COMMAND_TIMEOUT_MS } from './support/e2e-workspace';
import { fakeModelTable, py } from './support/fake-model';

/*
 * Issue #11: a PDD project laid out as promptdriven/pdd is (e2e/fixtures/real-pdd): prompts/
 * a symlink to pdd/prompts, a context per subfolder with its own prompts_dir, two units named
 * calc (one in commands/), a PDD fingerprint named commands_calc_python.json with PDD's v1
 * prompt hash over select=/backtick includes, a language of PDD's table only (fish), PDD's
 * runtime prompts (_LLM, _prompt), an import cycle (ping <-> pong), a backticked "<include>" in
 * prose, and an include of calc's example before it exists (report).
 */
const FIXTURE = join(__dirname, 'fixtures/real-pdd');

describe("a real PDD layout works as it is (fixture of promptdriven/pdd's structures)", () => {
  let fake: FakeLlmProcess;
  let ws: E2EWorkspace;
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: 'e2e-key',
        rules: [
          { match: 'Write the module "calc"', responses: [{ content: py('def add(a, b):\n    return a + b') }] },
          { match: 'Write context/calc_example.py', responses: [{ content: py('from calc import add\n\nprint(add(2, 3))') }] },
          {
            match: 'Write the module "report"',
            responses: [{ content: py('from calc import add\n\n\ndef report(a, b):\n    return f"{a} + {b} = {add(a, b)}"') }],
          },
          { match: 'Write context/report_example.py', responses: [{ content: py('from report import report\n\nprint(report(2, 3))') }] },
        ],
      },
    });
    ws = new E2EWorkspace({
      '.gitignore': 'node_modules\n.nx\n.pdd/cache/\n.pdd/state.db*\n.pdd/runs/\n.pdd/locks/\n.pdd/preprocessed/\ngraph.json\n',
      '.pdd/llm_model.csv': fakeModelTable(fake.url),
    });
    cpSync(FIXTURE, ws.root, { recursive: true, verbatimSymlinks: true });
    ws.commit('a PDD project');
    ws.env = { OPENAI_API_KEY: 'e2e-key' };
  });
  afterAll(async () => {
    ws?.dispose();
    await fake?.close();
  });

  it("finds every unit PDD finds, through the symlinked prompts dir, with PDD's names and paths", () => {
    const r = ws.nx('show', 'projects', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('['))).sort()).toEqual(['calc', 'commands-calc', 'notes', 'ping', 'pong', 'report']);
    const project = ws.nxJson<{ metadata: { pdd: Record<string, unknown> } }>('show', 'project', 'commands-calc', '--json');
    expect(project.metadata.pdd).toMatchObject({
      unit: 'commands/calc_python',
      prompt: 'pdd/prompts/commands/calc_python.prompt',
      code: 'pdd/commands/calc.py',
      example: 'context/commands/calc_example.py',
      test: 'tests/commands/test_calc.py',
    });
    expect(ws.nxJson<{ metadata: { pdd: Record<string, unknown> } }>('show', 'project', 'notes', '--json').metadata.pdd).toMatchObject({
      language: 'fish',
      code: 'pdd/notes.fish',
    });
  });

  it('graph: an edge to calc before its example exists, one edge of the ping/pong cycle left out', () => {
    ws.nxOk('graph', '--file=graph.json');
    const deps = JSON.parse(readFileSync(ws.path('graph.json'), 'utf8')).graph.dependencies as Record<string, Array<{ target: string }>>;
    expect(existsSync(ws.path('context/calc_example.py'))).toBe(false);
    expect(deps.report.map((d) => d.target)).toContain('calc');
    const cycleEdges = [...deps.ping, ...deps.pong].filter((d) => d.target === 'ping' || d.target === 'pong');
    expect(cycleEdges).toHaveLength(1);
  });

  it("status in one process: PDD's fingerprint and prompt hash are read (commands/calc only needs its example run), nothing is an error", () => {
    const bin = join(ws.installDir, 'node_modules/nx-pdd/dist/cli/nx-pdd.js');
    const r = spawnSync(process.execPath, [bin, 'status', '--json'], { cwd: ws.root, encoding: 'utf8', timeout: NX_COMMAND_TIMEOUT_MS });
    expect({ code: r.status, stderr: r.stderr }).toMatchObject({ code: 0 });
    const rows = JSON.parse(r.stdout) as Array<{ project: string; standing: string; next: string | null; warnings: string[] }>;
    const row = (p: string) => rows.find((x) => x.project === p)!;
    expect(rows).toHaveLength(6);
    expect(row('commands-calc')).toMatchObject({ standing: 'to do', next: 'crash' });
    expect(row('commands-calc').warnings.join('\n')).toContain('include attribute select="def:double" is not applied by nx-pdd');
    expect(row('report')).toMatchObject({ standing: 'to do', next: 'generate' });
    expect(row('report').warnings.join('\n')).toContain('include "context/calc_example.py" does not exist yet: the sync of a dependency writes it first');
    expect(rows.filter((x) => x.standing === 'error')).toEqual([]);
  });

  it('a dry run of the cycle plans both units and names the edge it left out', () => {
    const r = ws.nx('run-many', '-t', 'sync', '--projects=ping,pong', '--dryRun', '--skipVerify', '--skipTests');
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toMatch(
      /1 dependency not ordered \(each closes a cycle between units; the units of a cycle sync in a fixed order\):\n\s+(ping -> pong \(pdd\/ping\.py:1 imports pdd\/pong\.py\)|pong -> ping \(pdd\/pong\.py:1 imports pdd\/ping\.py\))/,
    );
    expect(out(r)).not.toContain('dependency cycle between units');
  });

  it('a fresh workspace syncs in dependency order in one run-many: calc finishes before report starts', async () => {
    const r = ws.nx('run-many', '-t', 'sync', '--projects=calc,report', '--skipVerify', '--skipTests', '--parallel=2', '--outputStyle=stream');
    expect(`exit ${r.code}\n${out(r)}`).toMatch(/^exit 0\n/); // the whole output on failure
    expect(out(r)).toMatch(/2 units: 2 in sync, 0 failed, 0 not run/);
    // Order from the recorded requests: every request of calc's sync came before report's first.
    const requests = (await fake.requests()).map((q) =>
      /Write (the module "calc"|context\/calc_example\.py)/.test(q.text)
        ? 'calc'
        : /Write (the module "report"|context\/report_example\.py)/.test(q.text)
          ? 'report'
          : 'other',
    );
    expect(requests.filter((u) => u !== 'other')).toEqual(['calc', 'calc', 'report', 'report']);
    // report's prompt was expanded with calc's example, written by calc's sync.
    const reportRequest = (await fake.requests()).find((q) => q.text.includes('Write the module "report"'))!;
    expect(reportRequest.text).toContain('print(add(2, 3))');
  });
});
