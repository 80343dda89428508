/** Headless Chromium for the browser tests and the screenshots: Debian's /usr/bin/chromium (REVISIT_CHROMIUM to override) through playwright-core. */
import { chromium, type Browser } from 'playwright-core';

/** Quiet and offline: no sandbox (containers), no GPU, no background fetches that would wait on a network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches the browser; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.REVISIT_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
