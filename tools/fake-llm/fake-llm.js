// @ts-check
/**
 * A fake LLM server for tests and the demo: OpenAI chat completions and Anthropic messages
 * (plain and streamed) on 127.0.0.1, answering from a scenario, with injectable faults and a
 * request log. CommonJS so jest, node and the demo can all load it without a build.
 *
 * Scenario: { rules: [{ match: "text" | { regex: "..." }, responses: [Response, ...] }], default?: Response, requireKey?: "key" }
 * Response: { content: "...", usage?: { input, output }, delayMs?: answer after this long,
 *             hold?: { untilRequest?: "text", maxMs? } (answer once a request containing that text
 *             has arrived, or on PUT /__release, or after maxMs, default 120 s; the log records which) }
 *         | { status: 429, retryAfter?: seconds, message?: "..." }   (any HTTP status)
 *         | { fault: "hang" | "empty" | "malformed" }
 * Each rule answers its Nth matching request with responses[N] (the last one repeats).
 * Control routes: GET /__log (the request log), PUT /__scenario (replace the scenario, reset counters),
 * PUT /__release (answer every held request now).
 * A hold lets a test check order from recorded events instead of wall-clock gaps: two requests
 * that each hold until the other arrives are answered only if they were in flight together.
 */
const http = require('node:http');

/** @typedef {{ untilRequest?: string, maxMs?: number }} Hold */
/** @typedef {{ content?: string, usage?: { input?: number, output?: number }, delayMs?: number, hold?: Hold, status?: number, retryAfter?: number, message?: string, fault?: 'hang' | 'empty' | 'malformed' }} FakeResponse */
/** @typedef {{ match?: string | { regex: string }, responses: FakeResponse[] }} FakeRule */
/** @typedef {{ rules?: FakeRule[], default?: FakeResponse, requireKey?: string }} Scenario */
/** @typedef {{ path: string, api: 'openai' | 'anthropic', model: string, stream: boolean, text: string, body: any, answeredWith: string, at: string, released?: 'request' | 'release' | 'timeout' }} LoggedRequest */

/**
 * @param {{ scenario: Scenario, port?: number }} options
 * @returns {Promise<{ url: string, port: number, requests: LoggedRequest[], setScenario(s: Scenario): void, release(): void, close(): Promise<void> }>}
 */
async function startFakeLlm({ scenario, port = 0 }) {
  let current = scenario;
  /** @type {Map<FakeRule | 'default', number>} */
  let counters = new Map();
  /** @type {LoggedRequest[]} */
  const requests = [];
  /** @type {Set<import('node:http').ServerResponse>} */
  const hanging = new Set();
  /** @type {Set<{ hold: Hold, done(reason: 'request' | 'release' | 'timeout'): void }>} */
  const held = new Set();
  /** Answers the held requests whose awaited request has now arrived. */
  function wakeHeld() {
    for (const h of held)
      if (h.hold.untilRequest !== undefined && requests.some((r) => r.text.includes(/** @type {string} */ (h.hold.untilRequest)))) h.done('request');
  }
  function releaseAll() {
    for (const h of held) h.done('release');
  }
  /** @param {Hold} hold @returns {Promise<'request' | 'release' | 'timeout'>} */
  function holdFor(hold) {
    return new Promise((resolve) => {
      const h = {
        hold,
        done(reason) {
          if (!held.delete(h)) return;
          clearTimeout(timer);
          resolve(reason);
        },
      };
      const timer = setTimeout(() => h.done('timeout'), hold.maxMs ?? 120_000);
      held.add(h);
      wakeHeld();
    });
  }

  /** @param {string} text @returns {{ rule: FakeRule | 'default', response: FakeResponse }} */
  function pick(text) {
    for (const rule of current.rules ?? []) {
      const m = rule.match;
      const hit = m === undefined || (typeof m === 'string' ? text.includes(m) : new RegExp(m.regex, 's').test(text));
      if (!hit) continue;
      const n = counters.get(rule) ?? 0;
      counters.set(rule, n + 1);
      return { rule, response: rule.responses[Math.min(n, rule.responses.length - 1)] };
    }
    return { rule: 'default', response: current.default ?? { status: 500, message: 'fake-llm: no scenario rule matches this request' } };
  }

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/__log') return json(res, 200, requests);
    if (req.method === 'PUT' && url === '/__scenario') {
      current = JSON.parse(raw);
      counters = new Map();
      return json(res, 200, { ok: true });
    }
    if (req.method === 'PUT' && url === '/__release') {
      releaseAll();
      return json(res, 200, { ok: true });
    }
    if (req.method === 'GET' && url.startsWith('/v1/models')) return json(res, 200, { object: 'list', data: [] });
    // Any prefix, as servers mount the API differently (`/v1`, OpenRouter's `/api/v1`).
    const route = url.split('?')[0];
    const api = route.endsWith('/chat/completions') ? 'openai' : route.endsWith('/v1/messages') ? 'anthropic' : null;
    if (req.method !== 'POST' || !api) return json(res, 404, { error: { message: `fake-llm: no route ${req.method} ${url}` } });
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return json(res, 400, { error: { message: 'fake-llm: request body is not JSON' } });
    }
    const text = requestText(api, body);
    const key = api === 'openai' ? (req.headers.authorization ?? '').replace(/^Bearer /, '') : String(req.headers['x-api-key'] ?? '');
    /** @type {FakeResponse} */
    let response;
    if (current.requireKey !== undefined && key !== current.requireKey) response = { status: 401, message: 'invalid api key' };
    else response = pick(text).response;
    /** @type {LoggedRequest} */
    const logged = { path: url, api, model: body.model, stream: !!body.stream, text, body, answeredWith: describe(response), at: new Date().toISOString() };
    requests.push(logged);
    wakeHeld();

    if (response.hold) logged.released = await holdFor(response.hold);
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    if (response.fault === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (response.fault === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"id": "broken", "choices": [');
    }
    if (response.status && response.status >= 400) return error(res, api, response);
    const content = response.fault === 'empty' ? '' : (response.content ?? '');
    const usage = { input: response.usage?.input ?? Math.ceil(text.length / 4), output: response.usage?.output ?? Math.ceil(content.length / 4) };
    if (body.stream) return stream(res, api, body.model, content, usage);
    return json(res, 200, api === 'openai' ? openaiBody(body.model, content, usage) : anthropicBody(body.model, content, usage));
  });

  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    setScenario(s) {
      current = s;
      counters = new Map();
    },
    release: releaseAll,
    async close() {
      releaseAll();
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** The text a scenario rule matches against: every message's text, joined. */
function requestText(api, body) {
  const parts = [];
  if (api === 'anthropic' && body.system) parts.push(typeof body.system === 'string' ? body.system : body.system.map((b) => b.text ?? '').join('\n'));
  for (const m of body.messages ?? []) {
    if (typeof m.content === 'string') parts.push(m.content);
    else if (Array.isArray(m.content)) parts.push(m.content.map((c) => c.text ?? '').join('\n'));
  }
  return parts.join('\n');
}

function describe(r) {
  if (r.fault) return r.fault;
  if (r.status) return `status ${r.status}`;
  return 'content';
}

function json(res, status, value, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

function error(res, api, r) {
  const headers = r.retryAfter !== undefined ? { 'retry-after': String(r.retryAfter) } : {};
  const message = r.message ?? `fake-llm: injected status ${r.status}`;
  const type = r.status === 401 ? 'authentication_error' : r.status === 404 ? 'not_found_error' : r.status === 429 ? 'rate_limit_error' : 'api_error';
  const body = api === 'openai' ? { error: { message, type, code: r.status === 404 ? 'model_not_found' : null } } : { type: 'error', error: { type, message } };
  json(res, r.status, body, headers);
}

function openaiBody(model, content, usage) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
  };
}

function anthropicBody(model, content, usage) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: content ? [{ type: 'text', text: content }] : [],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

/** Streams the answer in small pieces, as the real APIs do (SSE). */
function stream(res, api, model, content, usage) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const pieces = content.match(/[\s\S]{1,16}/g) ?? [];
  const send = (event, data) => res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  if (api === 'openai') {
    const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model };
    send(null, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const p of pieces) send(null, { ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] });
    send(null, {
      ...base,
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    });
    res.write('data: [DONE]\n\n');
  } else {
    send('message_start', { type: 'message_start', message: { ...anthropicBody(model, '', { input: usage.input, output: 0 }), content: [] } });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const p of pieces) send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } });
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } });
    send('message_stop', { type: 'message_stop' });
  }
  res.end();
}

/**
 * Runs the server in a child process (cli.js). Use this from code that blocks its own event
 * loop while the server must answer, e.g. a test that runs `nx` with spawnSync: an in-process
 * server could not answer then, and the nx task would wait for it forever.
 * @param {{ scenario: Scenario, port?: number }} options
 * @returns {Promise<{ url: string, port: number, pid: number, requests(): Promise<LoggedRequest[]>, setScenario(s: Scenario): Promise<void>, release(): Promise<void>, close(): Promise<void> }>}
 */
async function spawnFakeLlm({ scenario, port = 0 }) {
  const { spawnServer } = require('../testing/spawn-server');
  const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
  const { tmpdir } = require('node:os');
  const { join } = require('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'fake-llm-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const { child, url, stop } = await spawnServer('fake-llm', join(__dirname, 'cli.js'), ['--scenario', file, '--port', String(port)]);
  // A fresh connection per call (agent: false): a kept-alive socket that the server closes
  // while the test waits for a slow nx command fails the next call ("other side closed").
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = http.request(url + path, { method, agent: false }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`fake-llm ${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return {
    url,
    port: Number(new URL(url).port),
    pid: /** @type {number} */ (child.pid),
    requests: () => call('GET', '/__log'),
    setScenario: async (s) => void (await call('PUT', '/__scenario', s)),
    release: async () => void (await call('PUT', '/__release')),
    close: () => {
      rmSync(dir, { recursive: true, force: true });
      return stop();
    },
  };
}

module.exports = { startFakeLlm, spawnFakeLlm };
