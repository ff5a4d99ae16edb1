/**
 * The viewer's page in Chromium (Debian's, driven by playwright-core): how long the owner waits
 * for the first rows, for a row deep in 100,000, for a search's first result, and how smooth a
 * fast scroll is (the time between frames while the list moves 400 px a frame).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { type Summary, summarize } from './stats.js';

const CHROMIUM = '/usr/bin/chromium';
const ROW = 60;

const ms = (value: number): string =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
const spread = (summary: Summary): string =>
  `${ms(summary.median)} (${ms(summary.min)}–${ms(summary.max)}, n=${summary.n})`;
const goal = (value: number) => (value < 1000 ? 'met' : '**missed**');

export interface BrowserFigures {
  readonly version: string;
  readonly rows: string[][];
}

export const measureInBrowser = async (
  url: string,
  options: { reps: number; bigId: string; count: number; word: string },
): Promise<BrowserFigures> => {
  if (!existsSync(CHROMIUM)) {
    return {
      version: '(not installed)',
      rows: [['in Chromium', 'not measured: no /usr/bin/chromium', '']],
    };
  }
  const profile = await mkdtemp(join(tmpdir(), 'popfwd-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const firstRows: number[] = [];
    const deepRows: number[] = [];
    for (let rep = 0; rep < options.reps; rep += 1) {
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(url);
      await page.locator('#list .row-link').first().waitFor();
      firstRows.push(performance.now() - started);
      const middle = Math.floor(options.count / 2);
      const jumped = performance.now();
      await page.evaluate(`document.getElementById('list').scrollTop = ${middle * ROW}`);
      await page.locator(`#list .row[aria-posinset="${middle + 1}"] a.row-link`).waitFor();
      deepRows.push(performance.now() - jumped);
      await page.close();
    }
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('#list .row-link').first().waitFor();
    const frames = (await page.evaluate(`new Promise((resolve) => {
      const list = document.getElementById('list');
      const gaps = [];
      let last = performance.now();
      let left = 150;
      const frame = (now) => {
        gaps.push(now - last);
        last = now;
        list.scrollTop += 400;
        if (--left > 0) requestAnimationFrame(frame); else resolve(gaps.slice(1));
      };
      requestAnimationFrame(frame);
    })`)) as number[];
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    const searchStarted = performance.now();
    await page.getByRole('searchbox').fill(options.word);
    await page.getByRole('searchbox').press('Enter');
    await page.locator('#list .row-link').first().waitFor();
    const firstResult = performance.now() - searchStarted;
    await page.locator('#status', { hasText: 'found for' }).waitFor({ timeout: 600_000 });
    const allResults = performance.now() - searchStarted;
    const opened = performance.now();
    await page.evaluate(`location.hash = '#/m/${options.bigId}'`);
    await page.locator('.headers h2', { hasText: 'The scans you asked for' }).waitFor();
    const bigOpen = performance.now() - opened;
    const first = summarize(firstRows);
    const deep = summarize(deepRows);
    return {
      version: context.browser()?.version() ?? '?',
      rows: [
        ['Chromium: navigation to the first rows drawn', spread(first), goal(first.median)],
        [
          `Chromium: jump to row ${Math.floor(options.count / 2).toLocaleString('en')} until it is drawn with its data`,
          spread(deep),
          goal(deep.median),
        ],
        [
          'Chromium: fast scroll, 150 frames at 400 px: median / 95th percentile frame time',
          `${ms(summarize(frames).median)} / ${ms(p95)}`,
          '',
        ],
        ['Chromium: search, first result row drawn', ms(firstResult), ''],
        ['Chromium: search, every result listed', ms(allResults), ''],
        [
          'Chromium: open the 25 MiB message from the list (parsed before)',
          ms(bigOpen),
          goal(bigOpen),
        ],
      ],
    };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
};
