import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FakeLlmProcess, spawnFakeLlm } from '../tools/fake-llm/fake-llm';
import { bubblewrapUsable } from '../packages/core/src/run/sandbox';
import { calcWorkspace, py } from './support/fake-model';

/*
 * Issue #12: secrets in the environment, generated code that reads its own environment and its
 * ancestors' /proc/<pid>/environ and prints them in the example and in a failing test. None of
 * the values may appear in any file of the workspace (.nx/cache included), in any LLM request,
 * or on the console.
 */
const SECRETS = {
  OPENAI_API_KEY: 'sk-e2e-provider-key-000111',
  AWS_SECRET_ACCESS_KEY: 'aws-e2e-secret-222333444',
  DATABASE_URL: 'postgres://app:db-e2e-password-555@db.internal/app',
  NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'cache-e2e-token-666777',
  STRIPE_KEY: 'sk_live_e2e_888999000',
};
const VALUES = ['sk-e2e-provider-key-000111', 'aws-e2e-secret-222333444', 'db-e2e-password-555', 'cache-e2e-token-666777', 'sk_live_e2e_888999000'];

const LEAK = `import os


def add(a, b):
    return a + b


def leak():
    """Everything secret this process can find: its environment and its ancestors'."""
    found = [f"{k}={v}" for k, v in os.environ.items()]
    pid = os.getppid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                found.append(f.read().decode("utf-8", "replace").replace("\\0", "\\n"))
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
    return "\\n".join(found)`;

describe('no secret leaves (real nx, generated code that hunts for secrets)', () => {
  let fake: FakeLlmProcess;
  const all = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules') return [];
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) return [];
      return st.isDirectory() ? all(path) : st.isFile() ? [path] : [];
    });

  beforeAll(async () => {
    fake = await spawnFakeLlm({
      scenario: {
        requireKey: SECRETS.OPENAI_API_KEY,
        rules: [
          { match: 'Write the module "calc"', responses: [{ content: py(LEAK) }] },
          { match: 'usage example', responses: [{ content: py('from calc import leak\n\nprint(leak())') }] },
          { match: 'Write tests/test_calc.py', responses: [{ content: py('from calc import leak\n\n\ndef test_leak():\n    assert False, leak()') }] },
        ],
        default: { content: 'I cannot help with that.' },
      },
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it.each([['without a sandbox (redaction alone)', 'off'], ...(bubblewrapUsable() ? [['in the bubblewrap sandbox', 'require']] : [])])(
    'keeps every secret value out of files, the Nx cache, LLM requests and the console, %s',
    async (_how, sandbox) => {
      const before = (await fake.requests()).length;
      const ws = calcWorkspace(fake.url);
      try {
        ws.env = { ...SECRETS };
        const r = ws.nx('run', 'calc:sync', '--maxAttempts=1', '--skipVerify=false', `--sandbox=${sandbox}`, '--outputStyle=stream');
        const console = r.stdout + r.stderr;
        // The run went far enough to run the example and the failing test.
        expect(console).toContain('example ran');
        const leaks: string[] = [];
        for (const value of VALUES) if (console.includes(value)) leaks.push(`console: ${value}`);
        for (const file of all(ws.root)) {
          const text = readFileSync(file).toString('latin1');
          for (const value of VALUES) if (text.includes(value)) leaks.push(`${file.slice(ws.root.length + 1)}: ${value}`);
        }
        const requests = (await fake.requests()).slice(before);
        for (const request of requests) for (const value of VALUES) if (request.text.includes(value)) leaks.push(`LLM request: ${value}`);
        expect(leaks).toEqual([]);
        if (sandbox === 'off') {
          // The hunt did find them (so the test shows redaction, not absence): what the example
          // printed of its ancestors' environment reached a request, with the values as ***.
          expect(requests.some((q) => q.text.includes('AWS_SECRET_ACCESS_KEY=***'))).toBe(true);
        } else {
          // In the sandbox there is nothing to find: no ancestor's environment is visible at all.
          expect(console).toContain('generated code runs in a bubblewrap sandbox');
          expect(requests.some((q) => q.text.includes('AWS_SECRET_ACCESS_KEY'))).toBe(false);
        }
      } finally {
        ws.dispose();
      }
    },
  );
});
