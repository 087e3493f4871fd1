import type { Config } from 'jest';

const swc: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};

const config: Config = {
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
      moduleNameMapper: { '^@nx-pdd/core$': '<rootDir>/../core/src/index.ts' },
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
  ],
};

export default config;
