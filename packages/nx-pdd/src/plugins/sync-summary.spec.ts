import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';

let mockEngineLoaded = false;
jest.mock('@nx-pdd/core', () => {
  mockEngineLoaded = true;
  return jest.requireActual('@nx-pdd/core');
});

type Hook = typeof import('./sync-summary').postTasksExecution;
type TaskResult = Parameters<Hook>[1]['taskResults'][string];

const result = (project: string, target: string, status: TaskResult['status']): TaskResult =>
  ({ task: { id: `${project}:${target}`, target: { project, target }, overrides: {}, outputs: [] }, status, code: 0 }) as unknown as TaskResult;

describe('the end-of-run summary (postTasksExecution)', () => {
  let ws: TempWorkspace;
  let log: jest.SpyInstance;
  // A fresh module registry each time, so that a test sees whether it loads the engine itself.
  // A fresh module registry each time (beforeEach), so that a test sees whether it loads the engine itself.
  const run = async (taskResults: TaskResult[], id = 'inv-1') =>
    (await import('./sync-summary')).postTasksExecution({}, {
      id,
      workspaceRoot: ws.root,
      nxJsonConfiguration: {},
      argv: ['nx', 'run-many', '-t', 'sync'],
      taskResults: Object.fromEntries(taskResults.map((r) => [r.task.id, r])),
      startTime: 0,
      endTime: 1,
    } as Parameters<Hook>[1]);
  beforeEach(() => {
    ws = new TempWorkspace();
    jest.resetModules();
    mockEngineLoaded = false;
    delete process.env.NX_PDD_INVOCATION;
    log = jest.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    log.mockRestore();
    ws.dispose();
  });

  it('an invocation that ran no sync loads no engine and prints nothing', async () => {
    await run([result('calc', 'build', 'success')]);
    expect(mockEngineLoaded).toBe(false);
    expect(log).not.toHaveBeenCalled();
  });

  it('records left by sync tasks of another target name are removed', async () => {
    const dir = join(ws.root, '.pdd/runs/invocations/inv-2');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'calc.json'), '{}');
    await run([result('calc', 'my-sync', 'success')], 'inv-2');
    expect(existsSync(dir)).toBe(false);
    expect(log).not.toHaveBeenCalled();
  });

  it('sync tasks get one table and the invocation reports', async () => {
    await run([result('calc', 'sync', 'local-cache'), result('fmt', 'sync', 'local-cache-kept-existing')]);
    // The summary and reports come from the graph entry: a run-many served from the cache loads no engine either.
    expect(mockEngineLoaded).toBe(false);
    const printed = log.mock.calls.map((c) => c.join(' ')).join('\n');
    expect(printed).toMatch(/calc .*in sync \(Nx cache: no work\)/);
    expect(existsSync(join(ws.root, '.pdd/runs/last-invocation.json'))).toBe(true);
  });
});
