import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

let memo: string | undefined;

/**
 * A hash of the code of nx-pdd and @nx-pdd/core that this process loaded: the content of each
 * of their modules in `require.cache`. What the plugin built with one code is not reused by
 * another, though the version is the same (a build from the repo, a reinstall). Computed once
 * per process: a running daemon or plugin worker keeps the code it loaded.
 */
export function loadedCodeHash(): string {
  if (memo !== undefined) return memo;
  const roots = [join(__dirname, '..', '..'), dirname(require.resolve('@nx-pdd/core/package.json'))];
  const hash = createHash('sha1');
  for (const root of roots) {
    const files = Object.keys(require.cache)
      .filter((f) => f.startsWith(root + sep) && !f.slice(root.length).includes(`${sep}node_modules${sep}`))
      .sort();
    for (const file of files) {
      try {
        hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
      } catch {
        hash.update(relative(root, file)).update('\0unreadable\0');
      }
    }
  }
  memo = hash.digest('hex');
  return memo;
}
