import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { LlmRequest, TokenUsage } from './types';

export type LlmCacheMode = 'off' | 'read' | 'write' | 'readwrite' | 'replay';
export const LLM_CACHE_MODES: LlmCacheMode[] = ['off', 'read', 'write', 'readwrite', 'replay'];

export interface CachedAnswer {
  provider: string;
  model: string;
  content: string;
  usage: TokenUsage;
  /** What the original call cost (a cache hit costs nothing). */
  costUsd: number;
  createdAt: string;
}

/** Everything that can change an answer, and nothing else (no key, no time). */
export interface CacheKeyParts {
  provider: string;
  model: string;
  baseUrl?: string;
  request: LlmRequest;
}

export function requestKey(parts: CacheKeyParts): string {
  const { provider, model, baseUrl, request } = parts;
  const canonical = JSON.stringify({
    v: 1,
    provider,
    model,
    baseUrl: baseUrl ?? null,
    messages: request.messages.map((m) => [m.role, m.content]),
    temperature: request.temperature,
    time: request.time ?? null,
    maxOutputTokens: request.maxOutputTokens,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Answers on disk under `<dir>/<key[0..2]>/<key>.json`; a corrupt entry is a miss. */
export class ResponseCache {
  constructor(
    readonly dir: string,
    readonly mode: LlmCacheMode,
  ) {}

  get reads(): boolean {
    return this.mode === 'read' || this.mode === 'readwrite' || this.mode === 'replay';
  }

  get writes(): boolean {
    return this.mode === 'write' || this.mode === 'readwrite';
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): CachedAnswer | undefined {
    if (!this.reads) return undefined;
    try {
      const value = JSON.parse(readFileSync(this.file(key), 'utf8')) as CachedAnswer;
      return typeof value.content === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Drop an entry (an answer that was rejected must not answer the retry too). */
  delete(key: string): void {
    rmSync(this.file(key), { force: true });
  }

  set(key: string, answer: CachedAnswer): void {
    if (!this.writes) return;
    writeFileAtomic(this.file(key), JSON.stringify(answer, null, 2));
  }
}
