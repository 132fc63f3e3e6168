/**
 * Headless Chromium for the inspector's end-to-end tests: Debian's
 * /usr/bin/chromium driven by playwright-core (no browser downloads, ever).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

import { CHROMIUM_PATH } from '../support/environment.js';

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launch with a fresh profile (playwright passes it as --user-data-dir) and
 * everything that could phone home turned off.
 */
export async function launchChromium(
  viewport = { width: 1280, height: 800 },
): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'vintent-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    viewport,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
