import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function load(path: string): string {
  return readFileSync(resolve(path), 'utf8');
}
