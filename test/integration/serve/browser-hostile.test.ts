import { expect, it } from 'vitest';
import { describeWithBrowser } from '../../helpers/browser.js';
import { mailFrame, row, useBrowserSetup } from './browser-fixture.js';
import { HOSTILE_PATHS, MARKUP_NAME, MARKUP_SUBJECT } from './serve-corpus.js';

/**
 * Mail written by an attacker, opened in Chromium: nothing it contains runs, and nothing it
 * names is fetched until the owner says so (a local HTTP server stands in for "remote"; it must
 * see no request at all).
 */
describeWithBrowser('archive serve in a browser: hostile mail', () => {
  const setup = useBrowserSetup();

  it('shows markup in names and subjects as text, in the list and the reading pane', async () => {
    // Prepare
    const { page, console } = await setup().open();
    // Act
    const listed = row(page, MARKUP_SUBJECT);
    await listed.click();
    await page.locator('.headers h2').waitFor();
    // Assess
    await expect(listed.locator('.from').textContent()).resolves.toBe(MARKUP_NAME);
    await expect(page.locator('.headers h2').textContent()).resolves.toBe(MARKUP_SUBJECT);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(console.filter((line) => line.includes('popfwd-xss'))).toEqual([]);
  });

  it('opens HTML with scripts, handlers, remote images and CSS url(): no request, no script', async () => {
    // Prepare
    const { remote } = setup();
    const { page, console } = await setup().open();
    // Act
    await row(page, 'You have won').click();
    const frame = await mailFrame(page);
    await frame.locator('#js-link').click();
    await frame.locator('#marker').waitFor();
    // Assess
    expect(remote.requests).toEqual([]);
    expect(console.filter((line) => line.includes('popfwd-xss'))).toEqual([]);
    await expect(page.locator('iframe.body-frame').getAttribute('sandbox')).resolves.toBe(
      'allow-popups allow-popups-to-escape-sandbox',
    );
    await expect(page.locator('.remote').textContent()).resolves.toContain(
      `would load from ${new URL(remote.origin).host}`,
    );
  });

  it('loads remote images only after "load remote content", without a Referer, and still runs nothing', async () => {
    // Prepare
    const { remote } = setup();
    const { page, console } = await setup().open();
    await row(page, 'You have won').click();
    await mailFrame(page);
    expect(remote.requests).toEqual([]);
    // Act
    await page.getByRole('button', { name: /Load remote images and fonts from 1 servers/ }).click();
    await page.locator('.remote', { hasText: 'Remote content loaded from' }).waitFor();
    await mailFrame(page);
    // Assess
    const paths = remote.requests.map((request) => request.path);
    expect(paths).toContain('/img');
    expect(
      paths.filter((path) => (HOSTILE_PATHS.never as readonly string[]).includes(path)),
    ).toEqual([]);
    expect(
      paths.filter((path) => !(HOSTILE_PATHS.remoteContent as readonly string[]).includes(path)),
    ).toEqual([]);
    expect(remote.requests.map((request) => request.referer)).toEqual(paths.map(() => undefined));
    expect(console.filter((line) => line.includes('popfwd-xss'))).toEqual([]);
    await expect(page.locator('.remote').textContent()).resolves.toContain(
      'Remote content loaded from',
    );
  });
});
