import type { Config } from 'jest';

const swc: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};

const config: Config = {
  // Room for a slow, busy machine: many unit tests start python, pytest, node or a server, and at
  // a load of 20 on 2 cores one of those takes far longer than jest's 5 s default. (Jest reads
  // testTimeout only here, not per project; the e2e project raises its own in setup/timeout.ts.)
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
  projects: [
    {
      displayName: 'core',
      rootDir: '<rootDir>/packages/core',
      testEnvironment: 'node',
      transform: swc,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
    },
    {
      displayName: 'nx-pdd',
      rootDir: '<rootDir>/packages/nx-pdd',
      testEnvironment: 'node',
      transform: swc,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      // Unit tests run against core's sources, so they need no build.
      moduleNameMapper: { '^@nx-pdd/core$': '<rootDir>/../core/src/index.ts', '^@nx-pdd/core/graph$': '<rootDir>/../core/src/graph.ts' },
      setupFiles: ['<rootDir>/../../tools/jest/nx-env.js'],
    },
    {
      displayName: 'tools',
      rootDir: '<rootDir>/tools',
      testEnvironment: 'node',
      transform: swc,
      testMatch: ['<rootDir>/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      rootDir: '<rootDir>/e2e',
      testEnvironment: 'node',
      transform: swc,
      testMatch: ['<rootDir>/**/*.e2e.ts'],
      globalSetup: '<rootDir>/setup/global-setup.ts',
      globalTeardown: '<rootDir>/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/setup/timeout.ts'],
    },
    {
      // The part of the e2e suite that carries Nx-version risk (inference and the graph,
      // affected, sync, many units, the remote cache), again on the latest Nx that runs on
      // Node 20 (docs/usage.md, "Compatibility"). The install e2e covers both versions itself.
      displayName: 'e2e-nx24',
      rootDir: '<rootDir>/e2e',
      testEnvironment: 'node',
      transform: swc,
      testMatch: ['<rootDir>/{graph,sync,multi-unit,remote-cache}.e2e.ts'],
      globals: { NX_PDD_E2E_NX: '24.0.6' },
      globalSetup: '<rootDir>/setup/global-setup-nx24.ts',
      globalTeardown: '<rootDir>/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/setup/timeout.ts'],
    },
  ],
};

export default config;
