import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import path from 'node:path';

const SANDBOX_ROOT = path.resolve(import.meta.dirname, 'src/sandbox');

/** Reports relative imports (and requires) from src/sandbox that resolve outside it. */
const sandboxBoundary = {
  rules: {
    'no-import-outside': {
      meta: {
        type: 'problem',
        schema: [],
        messages: { outside: "The sandbox imports nothing from the app: '{{source}}'." },
      },
      create(context) {
        const dir = path.dirname(context.filename);
        const check = (node, source) => {
          if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
          const spec = source.value;
          const relative = spec.startsWith('.') || spec.startsWith('/');
          const target = relative ? path.resolve(dir, spec) : null;
          const inside = target === SANDBOX_ROOT || target?.startsWith(SANDBOX_ROOT + path.sep);
          if ((relative && !inside) || spec.startsWith('src/')) {
            context.report({ node, messageId: 'outside', data: { source: spec } });
          }
        };
        return {
          ImportDeclaration: (n) => check(n, n.source),
          ExportNamedDeclaration: (n) => check(n, n.source),
          ExportAllDeclaration: (n) => check(n, n.source),
          ImportExpression: (n) => check(n, n.source),
          CallExpression: (n) => {
            if (n.callee.type === 'Identifier' && n.callee.name === 'require')
              check(n, n.arguments[0]);
          },
        };
      },
    },
  },
};

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
    // The sandbox is a separate local Stripe: it must stay reachable only over HTTP, so no
    // module under src/sandbox may import a file outside it (packages and node: are fine).
    files: ['src/sandbox/**/*.ts'],
    plugins: { sandbox: sandboxBoundary },
    rules: { 'sandbox/no-import-outside': 'error' },
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
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // The /ops page's script runs in the browser.
    files: ['src/ops-page/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', sessionStorage: 'readonly', fetch: 'readonly' },
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
);
