import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away folder with helpers to lay out files (posix relative paths). */
export class TempWorkspace {
  readonly root: string;

  constructor(prefix = 'nx-pdd-test-') {
    this.root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  }

  write(files: Record<string, string>): this {
    for (const [rel, content] of Object.entries(files)) {
      const abs = join(this.root, rel);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    return this;
  }

  link(rel: string, target: string): this {
    const abs = join(this.root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    symlinkSync(target, abs);
    return this;
  }

  path(rel = ''): string {
    return join(this.root, rel);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
