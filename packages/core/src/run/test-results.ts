import { XMLParser } from 'fast-xml-parser';

/** Why something failed, from the parsed result (never by grepping the whole log). */
export type FailureClass = 'syntax' | 'import' | 'attribute' | 'name' | 'type' | 'assertion' | 'timeout' | 'collection' | 'crash' | 'other';

export interface TestCaseResult {
  name: string;
  classname: string;
  status: 'passed' | 'failed' | 'errored' | 'skipped';
  message: string | null;
  trace: string | null;
  failureClass: FailureClass | null;
  durationMs: number;
}

export interface TestRunResult {
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  durationMs: number;
  tests: TestCaseResult[];
}

// Attributes get a prefix: node --test writes a `failure` attribute beside the `failure` element.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  htmlEntities: true,
  isArray: (name) => name === 'testcase' || name === 'testsuite',
});

/** Classify an error from its type, message and trace: the first line that names an error class wins. */
export function classifyFailure(text: string): FailureClass {
  const t = text;
  if (/collection failure|ERROR collecting|error during collection/i.test(t)) {
    if (/\b(ImportError|ModuleNotFoundError)\b/.test(t)) return 'import';
    if (/\bSyntaxError\b/.test(t)) return 'syntax';
    return 'collection';
  }
  const rules: Array<[RegExp, FailureClass]> = [
    [/\b(SyntaxError|IndentationError|TabError)\b/, 'syntax'],
    [/\b(ImportError|ModuleNotFoundError|ERR_MODULE_NOT_FOUND|Cannot find module)\b/, 'import'],
    [/\bAttributeError\b|is not a function|has no attribute/, 'attribute'],
    [/\b(NameError|ReferenceError|UnboundLocalError)\b/, 'name'],
    [/\bTypeError\b/, 'type'],
    [/\b(AssertionError|ERR_ASSERTION)\b|^assert |\bExpected values to be\b|expect\(received\)/m, 'assertion'],
    [/\btimed? ?out\b/i, 'timeout'],
  ];
  let best: { at: number; cls: FailureClass } | null = null;
  for (const [re, cls] of rules) {
    const m = re.exec(t);
    if (m && (best === null || m.index < best.at)) best = { at: m.index, cls };
  }
  return best?.cls ?? 'other';
}

function text(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return node;
  const n = node as Record<string, unknown>;
  return typeof n['#text'] === 'string' ? (n['#text'] as string) : '';
}

/** A run's counts and duration from its test cases (JUnit and jest reports alike). */
function resultOf(tests: TestCaseResult[]): TestRunResult {
  const count = (s: TestCaseResult['status']) => tests.filter((t) => t.status === s).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    skipped: count('skipped'),
    durationMs: tests.reduce((n, t) => n + t.durationMs, 0),
    tests,
  };
}

/** Parse a JUnit XML report (pytest, node --test, jest-junit, vitest) into one result shape. */
export function parseJUnit(xml: string): TestRunResult {
  /** A parsed XML element: attributes as `@_name`, children by tag (always arrays for these tags). */
  type XmlNode = {
    testcase?: XmlNode[];
    testsuite?: XmlNode[];
    failure?: XmlNode | XmlNode[] | string;
    error?: XmlNode | XmlNode[] | string;
    skipped?: unknown;
  } & Record<string, unknown>;
  const doc = parser.parse(xml) as { testsuites?: XmlNode; testsuite?: XmlNode[] };
  const cases: XmlNode[] = [];
  const walk = (node: XmlNode | undefined) => {
    if (!node || typeof node !== 'object') return;
    for (const tc of node.testcase ?? []) cases.push(tc);
    for (const suite of node.testsuite ?? []) walk(suite);
  };
  walk(doc.testsuites ?? {});
  if (doc.testsuite) walk({ testsuite: doc.testsuite });
  const tests: TestCaseResult[] = cases.map((tc) => {
    const bad = tc.failure ?? tc.error;
    const skipped = tc.skipped !== undefined;
    const status: TestCaseResult['status'] = tc.failure !== undefined ? 'failed' : tc.error !== undefined ? 'errored' : skipped ? 'skipped' : 'passed';
    const node = Array.isArray(bad) ? bad[0] : bad;
    const message = node === undefined ? null : ((typeof node === 'object' ? (node['@_message'] as string | undefined) : null) ?? null);
    const trace = node === undefined ? null : text(node)?.trim() || null;
    return {
      name: String(tc['@_name'] ?? ''),
      classname: String(tc['@_classname'] ?? ''),
      status,
      message,
      trace,
      failureClass:
        status === 'failed' || status === 'errored'
          ? classifyFailure(`${message ?? ''}\n${typeof node === 'object' ? (node['@_type'] ?? '') : ''}\n${trace ?? ''}`)
          : null,
      durationMs: Math.round(Number(tc['@_time'] ?? 0) * 1000),
    };
  });
  return resultOf(tests);
}

/** The failures, trimmed for a fix prompt: class, name, message and the first lines of the trace. */
export function describeFailures(result: TestRunResult, maxLines = 25): string {
  return result.tests
    .filter((t) => t.status === 'failed' || t.status === 'errored')
    .map(
      (t) =>
        `- ${t.classname ? `${t.classname}::` : ''}${t.name} [${t.failureClass}] ${t.message ?? ''}\n${(t.trace ?? '').split('\n').slice(0, maxLines).join('\n')}`,
    )
    .join('\n\n');
}

/** Parse jest's `--json` report into the same result shape. */
export function parseJestJson(json: string): TestRunResult {
  const doc = JSON.parse(json) as {
    testResults?: Array<{
      name?: string;
      message?: string;
      status?: string;
      assertionResults?: Array<{
        fullName?: string;
        title?: string;
        ancestorTitles?: string[];
        status?: string;
        failureMessages?: string[];
        duration?: number | null;
      }>;
    }>;
  };
  const tests: TestCaseResult[] = [];
  for (const file of doc.testResults ?? []) {
    const classname = (file.name ?? '').split('/').pop() ?? '';
    for (const a of file.assertionResults ?? []) {
      const status: TestCaseResult['status'] = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      const trace = a.failureMessages?.length ? a.failureMessages.join('\n') : null;
      tests.push({
        name: a.fullName ?? a.title ?? '',
        classname,
        status,
        message: trace ? trace.split('\n')[0] : null,
        trace,
        failureClass: status === 'failed' ? classifyFailure(trace ?? '') : null,
        durationMs: a.duration ?? 0,
      });
    }
    // A test file that did not run at all (syntax error, missing import) has no assertions, only a message.
    if (file.status === 'failed' && !(file.assertionResults ?? []).length) {
      const trace = file.message ?? '';
      tests.push({
        name: '(test file)',
        classname,
        status: 'errored',
        message: trace.split('\n').find((l) => l.trim()) ?? 'the test file failed to run',
        trace,
        failureClass: classifyFailure(trace),
        durationMs: 0,
      });
    }
  }
  return resultOf(tests);
}
