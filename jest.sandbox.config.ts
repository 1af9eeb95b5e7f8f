/**
 * @jest-config-loader esbuild-register
 */
import type { Config } from 'jest';

/** The sandbox's own suite: no database, no global setup; every sandbox listens on port 0. */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/sandbox'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  cacheDirectory: '<rootDir>/node_modules/.cache/jest-sandbox',
  testTimeout: 20000,
};

export default config;
