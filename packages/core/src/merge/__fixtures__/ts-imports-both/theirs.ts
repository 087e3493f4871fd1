import { readFileSync } from 'node:fs';
import { EOL } from 'node:os';

export function load(path: string): string {
  return readFileSync(path, 'utf8');
}

export function lines(path: string): string[] {
  return load(path).split(EOL);
}
