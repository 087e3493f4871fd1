import type { Config } from 'jest';
import { e2eNxVersion, preparePluginInstall } from '../support/plugin-install';

export default function globalSetup(_global: unknown, project: Config): void {
  const started = Date.now();
  const nx = e2eNxVersion(project.globals ?? {});
  const dir = preparePluginInstall(nx);
  process.stdout.write(`\n[e2e] nx-pdd installed from this repo with nx ${nx} into ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
