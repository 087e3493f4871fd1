import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace } from '../../../../tools/testing/temp-workspace';
import { redactSecrets } from '../secrets';
import { requestKey, ResponseCache } from './response-cache';
import { LlmRequest } from './types';

const request: LlmRequest = { messages: [{ role: 'user', content: 'write calc' }], temperature: 0, maxOutputTokens: 100 };
const key = (over: Partial<LlmRequest> = {}, model = 'm', provider = 'openai', baseUrl?: string) =>
  requestKey({ provider, model, baseUrl, request: { ...request, ...over } });

describe('response cache keys', () => {
  it('is stable for the same request', () => {
    expect(key()).toBe(key());
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a message', { messages: [{ role: 'user' as const, content: 'write calc!' }] }],
    ['a role', { messages: [{ role: 'system' as const, content: 'write calc' }] }],
    ['the temperature', { temperature: 0.2 }],
    ['the reasoning time', { time: 0.5 }],
    ['the output limit', { maxOutputTokens: 101 }],
  ])('misses when %s changes', (_, over) => {
    expect(key(over)).not.toBe(key());
  });

  it('misses when the model, provider or base URL changes', () => {
    expect(key({}, 'm2')).not.toBe(key());
    expect(key({}, 'm', 'anthropic')).not.toBe(key());
    expect(key({}, 'm', 'openai', 'http://127.0.0.1:1/v1')).not.toBe(key());
  });
});

describe('ResponseCache', () => {
  let ws: TempWorkspace;
  beforeEach(() => (ws = new TempWorkspace()));
  afterEach(() => ws.dispose());
  const answer = { provider: 'openai', model: 'm', content: 'x', usage: { input: 1, output: 2 }, costUsd: 0.1, createdAt: 't' };

  it('reads and writes by mode', () => {
    const dir = ws.path('cache');
    new ResponseCache(dir, 'read').set('ab12', answer);
    expect(new ResponseCache(dir, 'readwrite').get('ab12')).toBeUndefined();
    new ResponseCache(dir, 'write').set('ab12', answer);
    expect(new ResponseCache(dir, 'write').get('ab12')).toBeUndefined();
    expect(new ResponseCache(dir, 'read').get('ab12')).toEqual(answer);
    expect(new ResponseCache(dir, 'replay').get('ab12')).toEqual(answer);
    expect(new ResponseCache(dir, 'off').get('ab12')).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['ab']);
  });

  it('treats a corrupt entry as a miss', () => {
    const c = new ResponseCache(ws.path('cache'), 'readwrite');
    c.set('cd34', answer);
    writeFileSync(join(ws.path('cache'), 'cd', 'cd34.json'), '{ not json');
    expect(c.get('cd34')).toBeUndefined();
  });

  it('stores no API key', () => {
    const c = new ResponseCache(ws.path('cache'), 'readwrite');
    c.set('ef56', answer);
    expect(readFileSync(join(ws.path('cache'), 'ef', 'ef56.json'), 'utf8')).not.toMatch(/key|sk-/i);
  });
});

describe('redactSecrets', () => {
  it('hides the values of key-like variables and named ones', () => {
    const env = { OPENAI_API_KEY: 'sk-live-1234567890', GITHUB_TOKEN: 'ghp_abcdefghijkl', CUSTOM: 'custom-secret-value', SHORT_API_KEY: 'abc', HOME: '/root' };
    const text = 'failed with sk-live-1234567890 and ghp_abcdefghijkl and custom-secret-value and abc in /root';
    expect(redactSecrets(text, env, ['CUSTOM'])).toBe('failed with *** and *** and *** and abc in /root');
  });
});
