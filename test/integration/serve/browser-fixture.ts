import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { ArchiveServer } from '../../../lambda/archive/serve/server.js';
import { launchBrowser, type TestBrowser } from '../../helpers/browser.js';
import { type RemoteRecorder, startRemoteRecorder } from './remote-recorder.js';
import { corpus } from './serve-corpus.js';
import { type Archive, archiveMail, serveArchive } from './serve-fixture.js';

/** Screenshots for people to look at (not compared); test-results/ is ignored by git. */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../../test-results/screenshots/', import.meta.url),
);

export interface ViewerPage {
  readonly page: Page;
  /** Everything the page and its frames wrote to the console, CSP reports included. */
  readonly console: string[];
}

export interface BrowserSetup {
  readonly archive: Archive;
  readonly server: ArchiveServer;
  /** The stand-in for every remote host the hostile message names. */
  readonly remote: RemoteRecorder;
  readonly browser: TestBrowser;
  /** A new tab on the viewer (at `hash`), loaded, with its console recorded. */
  open(options?: {
    readonly hash?: string;
    readonly width?: number;
    readonly dark?: boolean;
  }): Promise<ViewerPage>;
}

/**
 * One archive (through the engine), one viewer over it, one "remote" server and one Chromium for
 * a test file; each test opens its own tab.
 */
export const useBrowserSetup = (): (() => BrowserSetup) => {
  let setup: BrowserSetup | undefined;
  const pages: Page[] = [];
  beforeAll(async () => {
    const remote = await startRemoteRecorder();
    const archive = await archiveMail(corpus(remote.origin));
    const server = await serveArchive(archive);
    const browser = await launchBrowser();
    await mkdir(SCREENSHOTS, { recursive: true });
    setup = {
      archive,
      server,
      remote,
      browser,
      open: async ({ hash = '', width = 1280, dark = false } = {}) => {
        const page = await browser.context.newPage();
        pages.push(page);
        const console: string[] = [];
        page.on('console', (message) => console.push(message.text()));
        page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
        await page.goto(`${server.url}${hash}`);
        await page
          .locator('#status')
          .filter({ hasText: /messages|found/ })
          .waitFor({ state: 'attached' });
        return { page, console };
      },
    };
  }, 60_000);
  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => {});
    await setup?.browser.close();
    await setup?.server.close();
    await setup?.remote.close();
    await setup?.archive.remove();
  });
  return () => {
    if (!setup) throw new Error('the browser setup did not start');
    return setup;
  };
};

/** The row of the list whose subject is `subject`. */
export const row = (page: Page, subject: string | RegExp) =>
  page.locator('#list .row').filter({ has: page.locator('.subject', { hasText: subject }) });

export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

/** The mail frame of the open message, once it (and everything it may load) has loaded. */
export const mailFrame = async (page: Page): Promise<Frame> => {
  await page.frameLocator('iframe.body-frame').locator('body').waitFor();
  const frame = page
    .frames()
    .filter(
      (candidate) =>
        !candidate.isDetached() && /\/api\/m\/[0-9a-f]{32}\/html/.test(candidate.url()),
    )
    .at(-1);
  if (!frame) throw new Error('no mail frame');
  await frame.waitForLoadState('load');
  return frame;
};
