import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@nx-pdd/core/graph';

/**
 * A key-value cache kept in one JSON file. Entries not touched during a session are dropped
 * when it is written, so the file only holds what the workspace currently uses. A missing or
 * corrupt file is an empty cache (it only ever saves work).
 */
export class JsonCache<T> {
  private readonly previous: Record<string, T>;
  private readonly current: Record<string, T> = {};
  private dirty = false;

  constructor(private readonly file: string) {
    let loaded: Record<string, T> = {};
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) loaded = parsed;
    } catch {
      // no cache yet, or unreadable: start empty
    }
    this.previous = loaded;
  }

  get(key: string): T | undefined {
    const value = this.current[key] ?? this.previous[key];
    if (value !== undefined && !(key in this.current)) this.current[key] = value;
    return value;
  }

  set(key: string, value: T): void {
    this.current[key] = value;
    this.dirty = true;
  }

  /** Writes the entries used this session (atomically); skipped when nothing changed. */
  save(): void {
    if (!this.dirty && Object.keys(this.current).length === Object.keys(this.previous).length) return;
    try {
      writeFileAtomic(this.file, JSON.stringify(this.current));
    } catch {
      // A cache that cannot be written costs time, never correctness.
    }
  }
}
