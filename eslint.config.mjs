// Lint: typescript-eslint's recommended rules with type information, so promise mistakes
// (a floating promise, a promise where a callback wants void) are caught before they lose work.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unsafeAny = ['no-unsafe-member-access', 'no-unsafe-assignment', 'no-unsafe-call', 'no-unsafe-return', 'no-unsafe-argument'].map(
  (r) => `@typescript-eslint/${r}`,
);
const off = (rules) => Object.fromEntries(rules.map((r) => [r, 'off']));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.test-artifacts/', '*.vsix', 'schemas/', 'test/kind/go/', 'test/cluster/tools/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async function without await still returns a promise its callers await; that is an
      // interface choice (handlers, waits that poll sync reads), not a mistake.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['webview/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  // Tests and benchmarks read JSON, server replies and DOM state as they come; `any` there is the
  // point of the check, not a leak into product code.
  // Terminal-safety tests match raw control characters on purpose.
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { ...off(unsafeAny), '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off' },
  },
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
