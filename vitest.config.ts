import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The default output, then every skipped suite again with its reason (a bare clone skips the ../shared, PostgreSQL and Chromium suites).
    reporters: ['default', './test/support/skip-reporter.ts'],
  },
});
