import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      'no-warning-comments': ['warn', { terms: ['todo', 'fixme', 'xxx'] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }],
      complexity: ['warn', 20],
    },
  },
  {
    // The sandbox is a separate local Stripe: it must stay reachable only over HTTP.
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../sandbox/*'],
              message: 'The sandbox imports nothing from the app.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only src/stripe/ talks to the Stripe SDK.
    files: ['src/**/*.ts'],
    ignores: ['src/stripe/**', 'src/sandbox/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'stripe',
              message: 'Call Stripe through src/stripe/ only.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Migrations are SQL text; their length is the schema's, not logic's.
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'src/db/migrations/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
);
