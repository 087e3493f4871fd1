// @ts-check
// One lint configuration for the repo: typescript-eslint's recommended rules over every
// TypeScript and JavaScript file, and Prettier's formatting (eslint-config-prettier turns off
// the rules Prettier owns). `npm run lint` runs both; `npm test` runs `npm run lint`.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/__fixtures__/**', 'e2e/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused names are mistakes, except ones marked unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Loaded on first use, so graph inference pays for none of them (ARCHITECTURE.md, "State
      // store loaded lazily"); nx-internals' one deep import has a fallback when it moves.
      '@typescript-eslint/no-require-imports': [
        'error',
        {
          allow: [
            '^typescript$',
            '^openai$',
            '^@anthropic-ai/sdk$',
            '^@vscode/tree-sitter-wasm$',
            '^better-sqlite3$',
            '^nx/src/utils/cache-directory$',
            // The operation runners and the engine, which graph inference never runs (tools/bench/README.md, "Loading the plugin").
            '^\\./(generating|prompt|run)-operations$',
            '^@nx-pdd/core$',
            // Parsed only when inference resolves units anew (core/pddrc.ts).
            '^yaml$',
            '^picomatch$',
            // Nx's utilities the plugin needs rarely (a tsconfig, the cached graph after a failure):
            // its values load ~180 modules into every in-process nx command.
            '^@nx/devkit$',
            '^nx/src/utils/logger$',
          ],
        },
      ],
    },
  },
  {
    // CommonJS by design: loaded by jest, node and the demo without a build, or by Nx as plugins.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'e2e/**/*.ts', 'tools/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    // Tests reach into parsed JSON and tool output as they come.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
