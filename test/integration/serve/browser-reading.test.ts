import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { describeWithBrowser } from '../../helpers/browser.js';
import { mailFrame, row, screenshot, useBrowserSetup } from './browser-fixture.js';
import { INVOICE_NAME, INVOICE_PDF } from './serve-corpus.js';

/** The owner's side: find a message, read it, take its files, come back to it by its address. */
describeWithBrowser('archive serve in a browser: reading the archive', () => {
  const setup = useBrowserSetup();

  it('lists the archive newest first, with sender, subject, tags and the attachment marker', async () => {
    // Prepare
    const { page } = await setup().open();
    // Act
    const subjects = await page.locator('#list .row .subject').allTextContents();
    // Assess
    await expect(page.locator('#status').textContent()).resolves.toBe('5 messages');
    expect(subjects.map((subject) => subject.replace(/invoice$/, ''))).toEqual([
      expect.stringContaining('<img src=x'),
      'Your invoice for November',
      'You have won',
      'Heating in the flat',
      'Your receipt for order 2019-117',
    ]);
    const invoice = row(page, 'Your invoice for November');
    await expect(invoice.locator('.chip').textContent()).resolves.toBe('invoice');
    await expect(invoice.getByRole('img', { name: 'has attachments' }).count()).resolves.toBe(1);
    await expect(page.locator('#mailbox').textContent()).resolves.toBe('alice@example.test');
  });

  it('searches the text of the messages and shows what it finds as it comes', async () => {
    // Prepare
    const { page } = await setup().open();
    // Act
    await page.getByRole('searchbox').fill('plumber');
    await page.getByRole('searchbox').press('Enter');
    await page.locator('#status', { hasText: '1 found for “plumber” in 5 messages' }).waitFor();
    // Assess
    await expect(page.locator('#list .row .subject').allTextContents()).resolves.toEqual([
      'Heating in the flat',
    ]);
    await page.locator('#list .row').first().click();
    await expect(page.locator('.body-text').textContent()).resolves.toContain(
      'as your landlord I will send the plumber',
    );
  });

  it('opens a plain message as text, its web addresses as links to a new tab', async () => {
    // Prepare
    const { page } = await setup().open();
    // Act
    await row(page, 'Your receipt for order 2019-117').click();
    const link = page.locator('.body-text a');
    // Assess
    await expect(page.locator('.body-text').textContent()).resolves.toContain('Total: 42.00 EUR');
    await expect(link.getAttribute('href')).resolves.toBe('https://shop.example/orders/2019-117');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(page.locator('.headers dd').first().textContent()).resolves.toBe(
      'Shop <orders@shop.example>',
    );
  });

  it('opens an HTML message in the sandboxed frame with its inline image', async () => {
    // Prepare
    const { page } = await setup().open();
    // Act
    await row(page, 'Your invoice for November').click();
    const frame = await mailFrame(page);
    // Assess
    await expect(frame.locator('h1').textContent()).resolves.toBe('Your invoice');
    const logo = await frame.locator('#logo').boundingBox();
    expect(logo).toMatchObject({ width: 48, height: 48 });
    await expect(frame.locator('#site').getAttribute('rel')).resolves.toBe('noopener noreferrer');
    await page.getByRole('button', { name: 'Text' }).click();
    await expect(page.locator('.body-text').textContent()).resolves.toContain('Amount due');
  });

  it('downloads an attachment under its real name and the .eml byte for byte', async () => {
    // Prepare
    const { page } = await setup().open();
    await row(page, 'Your invoice for November').click();
    // Act
    const [attachment] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: INVOICE_NAME }).click(),
    ]);
    const [eml] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download .eml' }).click(),
    ]);
    // Assess
    expect(attachment.suggestedFilename()).toBe(INVOICE_NAME);
    expect(Buffer.compare(await readFile(await attachment.path()), INVOICE_PDF)).toBe(0);
    expect(eml.suggestedFilename()).toBe('Your invoice for November.eml');
    const archived = await setup().archive.raw('html-invoice');
    expect(Buffer.compare(await readFile(await eml.path()), archived)).toBe(0);
  });

  it('shows the raw source', async () => {
    // Prepare
    const { page } = await setup().open();
    await row(page, 'Heating in the flat').click();
    // Act
    await page.getByRole('button', { name: 'Source' }).click();
    const source = page.locator('pre.source', { hasText: 'Message-ID: <landlord-1@example.test>' });
    // Assess
    const archived = (await setup().archive.raw('landlord-1')).toString('utf8');
    await expect(source.textContent()).resolves.toBe(archived);
  });

  it('gives every message its own address: back, bookmarks and a new tab', async () => {
    // Prepare
    const { page } = await setup().open();
    const { id } = await setup().archive.record('landlord-1');
    // Act
    await row(page, 'Heating in the flat').click();
    await page.locator('.headers h2', { hasText: 'Heating in the flat' }).waitFor();
    const opened = page.url();
    await page.goBack();
    const afterBack = await page
      .locator('#message', { hasText: 'Choose a message to read it here.' })
      .textContent();
    const tab = await setup().open({ hash: '#/m/landlord-1' });
    // Assess
    expect(opened).toBe(`${setup().server.url}#/m/${id}`);
    expect(afterBack).toBe('Choose a message to read it here.');
    await expect(tab.page.locator('.headers h2').textContent()).resolves.toBe(
      'Heating in the flat',
    );
  });

  it('is driven by the keyboard: j and k move, Enter opens, Esc goes back, / searches', async () => {
    // Prepare
    const { page } = await setup().open();
    // Act
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.locator('.headers h2').waitFor();
    const opened = await page.locator('.headers h2').textContent();
    await page.keyboard.press('j');
    await page.locator('.headers h2', { hasText: 'You have won' }).waitFor();
    await page.keyboard.press('Escape');
    const closed = page.locator('#message', { hasText: 'Choose a message to read it here.' });
    await closed.waitFor();
    await page.keyboard.press('/');
    // Assess
    expect(opened).toBe('Your invoice for November');
    await expect(closed.count()).resolves.toBe(1);
    expect(page.url()).toBe(setup().server.url);
    await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('search');
  });

  it('puts the list in the tab order once, at the selection, and moves the focus with j', async () => {
    // Prepare
    const { page } = await setup().open();
    await page.getByRole('searchbox').focus();
    // Act
    let tabs = 0;
    while (
      tabs < 10 &&
      !(await page.evaluate<boolean>(
        'document.activeElement?.classList.contains("row-link") === true',
      ))
    ) {
      await page.keyboard.press('Tab');
      tabs += 1;
    }
    const first = await page.evaluate<string>('document.activeElement.textContent');
    await page.keyboard.press('j');
    await page.locator('#list .row.selected', { hasText: 'Your invoice for November' }).waitFor();
    const second = await page.evaluate<string>('document.activeElement.textContent');
    await page.keyboard.press('Enter');
    // Assess
    expect(tabs).toBeLessThan(10);
    expect(first).toContain('<img src=x');
    expect(second).toContain('Your invoice for November');
    await expect(page.locator('.headers h2').textContent()).resolves.toBe(
      'Your invoice for November',
    );
  });

  it('works on a 360 px screen: the list, then the message alone with a way back', async () => {
    // Prepare
    const { page } = await setup().open({ width: 360 });
    // Act
    const listVisible = await page.locator('#list').isVisible();
    await row(page, 'Heating in the flat').click();
    // The hash change that opens the message is handled after the click returns.
    await page.locator('.headers h2', { hasText: 'Heating in the flat' }).waitFor();
    const listWhileReading = await page.locator('#list').isVisible();
    await page.getByRole('button', { name: 'Back to the list (Esc)' }).click();
    await page.locator('#list').waitFor({ state: 'visible' });
    // Assess
    expect([listVisible, listWhileReading]).toEqual([true, false]);
    await expect(page.locator('#message').textContent()).resolves.toBe(
      'Choose a message to read it here.',
    );
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(360);
  });

  it('writes screenshots of the list and a message, light and dark', async () => {
    // Prepare
    const shots: string[] = [];
    for (const dark of [false, true]) {
      const scheme = dark ? 'dark' : 'light';
      const { page } = await setup().open({ dark });
      // Act
      await screenshot(page, `list-${scheme}`);
      await row(page, 'Your invoice for November').click();
      await mailFrame(page);
      await screenshot(page, `message-${scheme}`);
      const narrow = await setup().open({ dark, width: 360, hash: '#/m/receipt-2019' });
      await narrow.page.locator('.body-text').waitFor();
      await screenshot(narrow.page, `message-360px-${scheme}`);
      shots.push(scheme);
    }
    // Assess
    expect(shots).toEqual(['light', 'dark']);
  });
});
