/**
 * Headless Chromium for the viewer tests (Debian's `chromium`, driven by playwright-core, which
 * never downloads a browser of its own). Tests skip, loudly, only when the binary is absent.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

if (!HAVE_CHROMIUM) {
  const line = '!'.repeat(100);
  console.warn(`${line}\n!!! BROWSER TESTS SKIPPED: ${CHROMIUM} is missing. Install it: apt-get install -y chromium (.ci/run does).\n${line}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
