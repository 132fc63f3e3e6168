/**
 * The inspector page end to end in a real headless Chromium (Debian's, driven by
 * playwright-core): paste, file pick, drop and preload; verdicts; the failing
 * binding; the role switch; narrow windows. Screenshots go to test-artifacts/;
 * VINTENT_UPDATE_SCREENSHOT=1 also refreshes docs/inspector.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type StandaloneInspector, startInspector } from '../../src/http/inspect-server.js';
import { chromium, describeIf } from '../support/environment.js';
import { type LaunchedBrowser, launchChromium } from './browser.js';
import { reference, referenceBundles, referencePath } from './fixtures.js';

// Browser globals used inside page.evaluate callbacks (this project compiles without the DOM lib).
declare const document: any;
declare const DataTransfer: any;
declare const DragEvent: any;
declare const File: any;
declare const getComputedStyle: (element: unknown) => { outlineStyle: string };
type BrowserNode = { dataset: Record<string, string>; open: boolean };

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const DOCS_SCREENSHOT = join(__dirname, '..', '..', 'docs', 'inspector.png');

/** Text of an element including closed <details> (innerText would skip those). */
const textOf = (page: Page, selector: string) =>
  page.locator(selector).evaluate((n) => n.textContent ?? '');

async function verdict(page: Page): Promise<string> {
  return (await page.locator('#verdict-text').textContent()) ?? '';
}

/** Select a role and wait until the page shows that view. */
async function switchRole(page: Page, role: string): Promise<void> {
  await page.locator(`input[name=role][value=${role}]`).check();
  await page.locator('#view-role', { hasText: `view: ${role}` }).waitFor();
}

// Generous limits: a cold Chromium on a busy CI machine is slow; nothing here asserts on time.
describeIf(chromium, referenceBundles)(
  'inspector page in headless Chromium',
  { timeout: 60_000 },
  () => {
    let inspector: StandaloneInspector;
    let origin: string;
    let chrome: LaunchedBrowser;
    let page: Page;
    const requests: string[] = [];

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      inspector = await startInspector();
      origin = new URL(inspector.url).origin;
      chrome = await launchChromium({ width: 1280, height: 800 });
      page = await chrome.context.newPage();
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(inspector.url);
    }, 60_000);

    afterAll(async () => {
      await chrome?.close();
      await inspector?.close();
    });

    it('pasted valid Autonomous bundle: VALID, the whole chain drawn, every binding ok', async () => {
      await page
        .locator('#bundle-text')
        .fill(readFileSync(referencePath('autonomous-dispute-valid'), 'utf8'));
      await page.locator('#verify').click();
      await page.locator('#verdict-text').waitFor();
      expect(await verdict(page)).toBe('VALID');
      expect(await page.locator('#trust-source').textContent()).toBe('trust: bundle');
      for (const id of ['l1', 'l2', 'l3a#0', 'l3b#0'])
        expect(await page.locator(`[data-card="${id}"]`).getAttribute('data-status')).toBe(
          'verified',
        );
      const statuses = await page
        .locator('[data-binding]')
        .evaluateAll((ns) => ns.map((n) => (n as unknown as BrowserNode).dataset.status));
      expect(statuses.length).toBeGreaterThanOrEqual(9);
      expect(new Set(statuses)).toEqual(new Set(['ok']));
      // Three columns on a wide window: L1 | L2 | L3s.
      const [b1, b2, b3] = await Promise.all(
        ['l1', 'l2', 'l3a#0'].map((id) => page.locator(`[data-card="${id}"]`).boundingBox()),
      );
      expect(b1!.x).toBeLessThan(b2!.x);
      expect(b2!.x).toBeLessThan(b3!.x);
      // The picture without the input box, as the README shows it.
      await page
        .locator('#input-details')
        .evaluate((d) => ((d as unknown as BrowserNode).open = false));
      await page.screenshot({ path: join(ARTIFACTS, 'inspector-valid.png') });
      await page.screenshot({ path: join(ARTIFACTS, 'inspector-valid-full.png'), fullPage: true });
      if (process.env.VINTENT_UPDATE_SCREENSHOT === '1')
        await page.screenshot({ path: DOCS_SCREENSHOT });
      await page
        .locator('#input-details')
        .evaluate((d) => ((d as unknown as BrowserNode).open = true));
    });

    it('merchant view: the payment mandate and L3a are absent', async () => {
      await switchRole(page, 'merchant');
      expect(await verdict(page)).toBe('VALID');
      expect(await page.locator('[data-card="l3a#0"]').count()).toBe(0);
      expect(await page.locator('[data-card="l3b#0"]').count()).toBe(1);
      const l2 = await textOf(page, '[data-card="l2"]');
      expect(l2).toContain('mandate.checkout.open');
      expect(l2).not.toContain('mandate.payment');
      expect(await textOf(page, '#chain')).not.toContain('mandate.payment');
      await page.screenshot({ path: join(ARTIFACTS, 'inspector-merchant.png'), fullPage: true });
    });

    it('network view: the checkout mandate and L3b are absent', async () => {
      await switchRole(page, 'network');
      expect(await verdict(page)).toBe('VALID');
      expect(await page.locator('[data-card="l3b#0"]').count()).toBe(0);
      const chain = await textOf(page, '#chain');
      expect(chain).toContain('mandate.payment.open');
      expect(chain).not.toContain('mandate.checkout');
      await switchRole(page, 'presented');
    });

    it('picked file, tampered: INVALID and the failing sd_hash binding shown with its code', async () => {
      await page
        .locator('#file')
        .setInputFiles(referencePath('autonomous-tamper-l3a-sd-hash-over-full-l2'));
      await page.locator('#verdict', { hasText: 'autonomous/tamper' }).waitFor();
      expect(await verdict(page)).toBe('INVALID');
      const failed = page.locator('[data-binding="l2>l3a#0:sd_hash"]');
      expect(await failed.getAttribute('data-status')).toBe('failed');
      expect(await failed.textContent()).toContain('L3_SD_HASH_MISMATCH');
      expect(await page.locator('[data-binding][data-status="failed"]').count()).toBe(1);
      expect(await page.locator('[data-card="l3a#0"]').getAttribute('data-status')).toBe('failed');
      expect(await page.locator('#verdict').textContent()).toContain('L3_SD_HASH_MISMATCH');
      await page.screenshot({ path: join(ARTIFACTS, 'inspector-tampered.png'), fullPage: true });
    });

    it('dropped file: a constraint violation next to the L3 value', async () => {
      const text = readFileSync(referencePath('autonomous-tamper-amount-above-max'), 'utf8');
      await page.evaluate((json) => {
        const dt = new DataTransfer();
        dt.items.add(new File([json], 'amount-above-max.json', { type: 'application/json' }));
        document.dispatchEvent(
          new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
        );
      }, text);
      await page.locator('#verdict', { hasText: 'amount-above-max' }).waitFor();
      expect(await verdict(page)).toBe('INVALID');
      const row = page.locator('tr[data-constraint="payment.amount"]');
      expect(await row.getAttribute('data-status')).toBe('failed');
      const rowText = (await row.textContent()) ?? '';
      expect(rowText).toContain('CONSTRAINT_AMOUNT_ABOVE_MAX');
      expect(rowText).toContain('40001');
    });

    it('pasted text that is not JSON: the refusal code, no stale chain', async () => {
      await page.locator('#bundle-text').fill('this is not a bundle');
      await page.locator('#verify').click();
      await page.locator('#status', { hasText: 'BUNDLE_MALFORMED' }).waitFor();
      expect(await page.locator('#report').isHidden()).toBe(true);
    });

    it('a narrow window (400 px) stacks the cards without horizontal scrolling', async () => {
      const narrow = await chrome.context.newPage();
      await narrow.setViewportSize({ width: 400, height: 800 });
      await narrow.goto(inspector.url);
      await narrow
        .locator('#bundle-text')
        .fill(JSON.stringify(reference('autonomous-dispute-valid')));
      await narrow.locator('#verify').click();
      await narrow.locator('#verdict-text').waitFor();
      const boxes = await Promise.all(
        ['l1', 'l2', 'l3a#0', 'l3b#0'].map((id) =>
          narrow.locator(`[data-card="${id}"]`).boundingBox(),
        ),
      );
      for (let i = 1; i < boxes.length; i++) {
        expect(boxes[i]!.y).toBeGreaterThanOrEqual(boxes[i - 1]!.y + boxes[i - 1]!.height);
        expect(Math.abs(boxes[i]!.x - boxes[0]!.x)).toBeLessThan(2);
      }
      expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        400,
      );
      await narrow.screenshot({ path: join(ARTIFACTS, 'inspector-narrow.png') });
      await narrow.close();
    });

    it('a 420 px window: constraint rows stack with every column readable, focus is visible', async () => {
      const narrow = await chrome.context.newPage();
      await narrow.setViewportSize({ width: 420, height: 800 });
      await narrow.goto(inspector.url);
      await narrow
        .locator('#bundle-text')
        .fill(JSON.stringify(reference('autonomous-dispute-valid')));
      await narrow.locator('#verify').click();
      await narrow.locator('#verdict-text').waitFor();
      const cells = await narrow.locator('#constraints td').evaluateAll((tds) =>
        tds.map((td) => {
          const r = td.getBoundingClientRect();
          return {
            label: (td as unknown as { dataset: { label?: string } }).dataset.label,
            left: r.left,
            right: r.right,
            width: r.width,
          };
        }),
      );
      expect(cells.length).toBeGreaterThan(0);
      for (const c of cells) {
        expect(c.label, 'every cell names its column').toBeTruthy();
        expect(c.left).toBeGreaterThanOrEqual(0);
        expect(c.right).toBeLessThanOrEqual(420);
        expect(c.width, `${c.label} is readable`).toBeGreaterThan(300);
      }
      expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        420,
      );
      await narrow.locator('#verify').focus();
      await narrow.keyboard.press('Tab');
      await narrow.keyboard.press('Shift+Tab');
      const outline = await narrow.evaluate(
        () => getComputedStyle(document.activeElement).outlineStyle,
      );
      expect(outline).not.toBe('none');
      await narrow
        .locator('#constraints')
        .screenshot({ path: join(ARTIFACTS, 'inspector-420-constraints.png') });
      await narrow.close();
    });

    it('a role switch draws only the latest answer, even when an earlier one arrives last', async () => {
      const p2 = await chrome.context.newPage();
      await p2.goto(inspector.url);
      await p2.locator('#bundle-text').fill(JSON.stringify(reference('autonomous-dispute-valid')));
      await p2.locator('#verify').click();
      await p2.locator('#verdict-text').waitFor();
      let held = true;
      await p2.route('**/inspect/api/verify', async (route) => {
        // The first switch's answer is held back until after the second one's.
        if (held) {
          held = false;
          await new Promise((r) => setTimeout(r, 1500));
        }
        await route.continue();
      });
      await p2.locator('input[name=role][value=merchant]').check();
      await p2.locator('input[name=role][value=network]').check();
      await p2.waitForFunction(() => document.body.dataset.role === 'network');
      await p2.waitForTimeout(2000);
      expect(await p2.evaluate(() => document.body.dataset.role)).toBe('network');
      expect(await p2.locator('[data-card="l3b#0"]').count()).toBe(0);
      await p2.close();
    });

    it('made no request outside the inspector itself', () => {
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    });
  },
);

describeIf(chromium, referenceBundles)(
  'inspector page with a preloaded bundle',
  { timeout: 60_000 },
  () => {
    it('shows the preloaded bundle on open', async () => {
      const inspector = await startInspector({
        preload: { name: 'immediate-full-valid.json', bundle: reference('immediate-full-valid') },
      });
      const chrome = await launchChromium();
      try {
        const page = await chrome.context.newPage();
        await page.goto(inspector.url);
        await page.locator('#verdict-text').waitFor();
        expect(await verdict(page)).toBe('VALID');
        expect(await page.locator('#verdict').textContent()).toContain('immediate mode');
        expect(
          await page.locator('[data-binding="pair0:transaction_id"]').getAttribute('data-status'),
        ).toBe('ok');
      } finally {
        await chrome.close();
        await inspector.close();
      }
    });
  },
);
