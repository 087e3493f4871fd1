import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EOL } from 'node:os';

export function load(path: string): string {
  return readFileSync(resolve(path), 'utf8');
}

export function lines(path: string): string[] {
  return load(path).split(EOL);
}
