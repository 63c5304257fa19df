/**
 * Debian's Chromium (scripts/test-tools.sh installs it) driven by playwright-core, for the status page's tests and
 * its benchmark; screenshots go to test-artifacts/ui/ (gitignored).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../support/minidc-cli.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'ui');

export function launchChromium(): Promise<Browser> {
  // No sandbox: the tests may run as root (CI containers), where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits for a page's first frame with live data (the page's `ready:<name>` mark). */
export async function waitReady(page: Page, name: string, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction((n) => (document.body.dataset.ready ?? '').split(' ').includes(n), name, { timeout: timeoutMs });
}
