/**
 * A real browser for the viewer's tests: Debian's Chromium (`apt-get install chromium`) driven by
 * playwright-core, never a downloaded browser. Without it the suite is skipped with a printed
 * reason; with POPFWD_REQUIRE_BROWSER=1 (CI) a missing browser fails the file instead.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';

export const browserRequired = (): boolean => process.env.POPFWD_REQUIRE_BROWSER === '1';

export const describeWithBrowser = (name: string, body: () => void): void => {
  const available = existsSync(CHROMIUM);
  if (!available && browserRequired()) {
    throw new Error(
      `POPFWD_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install chromium); "${name}" cannot run`,
    );
  }
  if (!available) {
    console.warn(
      `[popfwd] skipping "${name}": ${CHROMIUM} is missing (apt-get install chromium to run it)`,
    );
  }
  describe.skipIf(!available)(name, body);
};

/** Nothing the browser does on its own (updates, sync, QUIC probes) reaches the network. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile of its own, downloads accepted. */
export const launchBrowser = async (): Promise<TestBrowser> => {
  const profile = await mkdtemp(join(tmpdir(), 'popfwd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
};
