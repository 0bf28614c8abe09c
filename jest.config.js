const { paths: storeFree } = require('./test/store-free.json');

const escapeRegExp = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The PostgreSQL run (npm test's second) skips the suites listed in test/store-free.json: they
  // start no server and open no store, so they would only run again. A suite on that list that
  // opens a store fails in the SQLite run (test/helpers/postgres.ts), so none escapes it silently;
  // a suite not on it runs on both stores.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.REGQL_TEST_STORE === 'postgres'
      ? storeFree.map((path) => `^<rootDir>/${escapeRegExp(path)}`)
      : []),
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
