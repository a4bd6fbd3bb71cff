// Host test run: device module specifiers map to their host-sim implementations,
// the same mapping the esbuild bundles use (host-sim/aliases.cjs).
const aliases = require('./host-sim/aliases.cjs');

const moduleNameMapper = {};
for (const [specifier, file] of Object.entries(aliases)) {
  moduleNameMapper['^' + specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '$'] = '<rootDir>/' + file;
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/tests/support/esbuild-transform.cjs' },
  moduleNameMapper,
  testTimeout: 60000,
};
