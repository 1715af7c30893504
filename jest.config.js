// One jest run for the whole monorepo: tests live next to the code they test.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Internal packages expose their TypeScript source under this condition, so tests need no build.
  testEnvironmentOptions: { customExportConditions: ['@parley/source', 'node', 'require', 'default'] },
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/bench', '<rootDir>/deploy'],
  testMatch: ['**/src/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  globalSetup: '<rootDir>/jest/global-setup.ts',
  globalTeardown: '<rootDir>/jest/global-teardown.ts',
  reporters: ['default', '<rootDir>/jest/summary-reporter.js'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
