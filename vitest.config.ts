import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const hybrid = fileURLToPath(new URL('./test/support/platform-hybrid.ts', import.meta.url));

/** Swaps the crypto seam the sources import (src/sdjwt/*.ts → ./platform.js) for the web one. */
const webPlatform: Plugin = {
  name: 'vintent-web-platform',
  enforce: 'pre',
  resolveId(source, importer) {
    if (
      source === './platform.js' &&
      importer &&
      /[\\/]src[\\/]sdjwt[\\/][^\\/]+\.ts$/.test(importer)
    )
      return hybrid;
    return undefined;
  },
};

const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    // The default output, then every skipped suite again with its reason (a bare clone skips the ../shared, PostgreSQL and Chromium suites).
    reporters: ['default', './test/support/skip-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'node', include: ['test/**/*.test.ts'] } },
      {
        // The verifier on the web crypto seam (WebCrypto, one batched signature phase): the same verdicts and codes.
        plugins: [webPlatform],
        test: {
          ...shared,
          name: 'web',
          include: [
            'test/verify/**/*.test.ts',
            'test/vectors/**/*.test.ts',
            'test/interop/**/*.test.ts',
            'test/security/**/*.test.ts',
            'test/present/**/*.test.ts',
            'test/sdjwt/web-platform.test.ts',
          ],
        },
      },
    ],
  },
});
