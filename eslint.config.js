import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/.scratch/**', 'bench/.profiles/**', 'test/install-fixture/**', 'packs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='it'][callee.property.name=/^(only|skip|todo)$/]", message: 'No focused or skipped tests.' },
        { selector: "CallExpression[callee.object.name='describe'][callee.property.name=/^(only|skip|todo)$/]", message: 'No focused or skipped tests.' },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Core never reads the environment.' },
        { name: 'Buffer', message: 'Buffer is Node-only: use the platform (platform/current.ts).' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], allowTypeImports: true, message: 'Node built-ins belong in platform/node/: the Web build has none.' }] },
      ],
    },
  },
  {
    // The Node platform is where Node's built-ins are used.
    files: ['packages/core/src/platform/node/**/*.ts'],
    rules: { 'no-restricted-globals': 'off', '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // Scripts that Bun, Deno, workerd and a Node without built-ins run as they are.
    files: ['test/runtimes/*.mjs'],
    languageOptions: { globals: { fetch: 'readonly', Request: 'readonly', Response: 'readonly', globalThis: 'readonly' } },
  },
);
