import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRow } from '../../../lambda/archive/serve/archive-index.js';
import { ndjson, send } from './http-client.js';
import {
  corpus,
  HOSTILE_PATHS,
  INVOICE_NAME,
  INVOICE_PDF,
  LOGO,
  landlord,
  MARKUP_NAME,
  MARKUP_SUBJECT,
  receipt,
} from './serve-corpus.js';
import { type Archive, archiveMail, serveArchive } from './serve-fixture.js';

/** The list, the filters, the search and the reading pane's data, over HTTP. */

const REMOTE = 'http://remote.invalid:8080';
let archive: Archive;
let server: Awaited<ReturnType<typeof serveArchive>>;

const api = (path: string) => send(`${server.url}api/${path}`);
const rows = async (query = '') =>
  (await api(`messages?${query}`)).json<{ total: number; rows: ListRow[] }>();
/** `path` on the remote server as something HTML or CSS would load: an attribute or a url(). */
const loading = (path: string): RegExp =>
  new RegExp(
    `(url\\(\\s*["']?|=")${`${REMOTE}${path}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    'i',
  );
const uidls = async (query = '') => (await rows(query)).rows.map((row) => row.uidl);

beforeAll(async () => {
  archive = await archiveMail(corpus(REMOTE));
  server = await serveArchive(archive);
});

afterAll(async () => {
  await server?.close();
  await archive?.remove();
});

describe('the list', () => {
  it('lists every message newest first by its own date, with what a row shows', async () => {
    // Act
    const list = await rows();
    // Assess
    expect(list.total).toBe(5);
    expect(list.rows.map((row) => row.uidl)).toEqual([
      'markup-names',
      'html-invoice',
      'hostile-html',
      'landlord-1',
      'receipt-2019',
    ]);
    expect(list.rows[1]).toEqual({
      id: (await archive.record('html-invoice')).id,
      uidl: 'html-invoice',
      from: 'Example Utilities',
      fromAddress: 'billing@utility.example',
      subject: 'Your invoice for November',
      date: '2026-11-25T07:30:00.000Z',
      size: (await archive.raw('html-invoice')).length,
      tags: ['invoice'],
      attachment: true,
    });
    expect(list.rows[4]?.attachment).toBe(false);
  });

  it('returns names and subjects as the message wrote them: escaping is the page’s job', async () => {
    // Act
    const [first] = (await rows()).rows;
    // Assess
    expect(first).toMatchObject({ from: MARKUP_NAME, subject: MARKUP_SUBJECT });
  });

  it('pages through the list with offset and limit', async () => {
    // Act
    const pages = [
      await rows('offset=0&limit=2'),
      await rows('offset=2&limit=2'),
      await rows('offset=4&limit=2'),
    ];
    // Assess
    expect(pages.map((page) => page.total)).toEqual([5, 5, 5]);
    expect(pages.flatMap((page) => page.rows.map((row) => row.uidl))).toEqual(await uidls());
  });

  it.each([
    ['from=*@shop.example', ['receipt-2019']],
    ['from=bob*', ['landlord-1']],
    ['to=alice@*', ['markup-names', 'html-invoice', 'hostile-html', 'landlord-1', 'receipt-2019']],
    ['subject=INVOICE', ['html-invoice']],
    ['tag=invoice', ['html-invoice']],
    [`since=${Date.parse('2026-11-22')}`, ['markup-names', 'html-invoice']],
    ['until=2020-01-01', ['receipt-2019']],
    ['larger=1KB', ['html-invoice', 'hostile-html']],
    ['from=*@shop.example&subject=heating', []],
  ])('filters with %s as `archive list` does', async (query, expected) => {
    // Act
    const found = await rows(query);
    // Assess
    expect(found.rows.map((row) => row.uidl)).toEqual(expected);
    expect(found.total).toBe(expected.length);
  });

  it('counts the tags for the filter menu', async () => {
    // Act
    const info = (await api('info')).json();
    // Assess
    expect(info).toMatchObject({ messages: 5, tags: [{ tag: 'invoice', count: 1 }] });
  });
});

describe('a message', () => {
  it('gives the headers that matter, the text and no HTML for a plain message', async () => {
    // Act
    const message = (await api('m/receipt-2019')).json();
    // Assess
    expect(message).toMatchObject({
      uidl: 'receipt-2019',
      subject: 'Your receipt for order 2019-117',
      from: [{ name: 'Shop', address: 'orders@shop.example' }],
      to: [{ name: 'Alice', address: 'alice@example.test' }],
      html: false,
      parts: [],
      remoteOrigins: [],
      parseError: null,
    });
    expect((message as { text: string }).text).toContain(
      'Track it at https://shop.example/orders/2019-117',
    );
  });

  it('opens by id as well as by UIDL', async () => {
    // Prepare
    const { id } = await archive.record('landlord-1');
    // Act
    const [byId, byUidl] = await Promise.all([api(`m/${id}`), api('m/landlord-1')]);
    // Assess
    expect(byId.json()).toEqual(byUidl.json());
  });

  it('lists the attachments with their real names, types and sizes, inline images marked', async () => {
    // Act
    const message = (await api('m/html-invoice')).json<{ parts: unknown[]; html: boolean }>();
    // Assess
    expect(message.html).toBe(true);
    expect(message.parts).toEqual([
      {
        index: 0,
        fileName: 'logo.png',
        contentType: 'image/png',
        size: LOGO.length,
        cid: 'logo@utility.example',
        inline: true,
      },
      {
        index: 1,
        fileName: INVOICE_NAME,
        contentType: 'application/pdf',
        size: INVOICE_PDF.length,
        cid: null,
        inline: false,
      },
    ]);
  });

  it('names the servers the HTML would load from, without loading anything', async () => {
    // Act
    const message = (await api('m/hostile-html')).json<{ remoteOrigins: string[] }>();
    // Assess
    expect(message.remoteOrigins).toEqual([REMOTE]);
  });

  it('answers 404 for a message that is not in the archive', async () => {
    // Act
    const reply = await api('m/no-such-message');
    // Assess
    expect(reply.status).toBe(404);
  });
});

describe('the HTML frame', () => {
  it('serves the HTML with a policy that runs nothing and loads only the message’s own images', async () => {
    // Prepare
    const { id } = await archive.record('hostile-html');
    // Act
    const reply = await api(`m/${id}/html`);
    // Assess
    expect(reply.headers['content-security-policy']).toBe(
      [
        "default-src 'none'",
        `img-src data: ${server.url}api/m/${id}/cid/`,
        'font-src data:',
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'none'",
        `frame-ancestors ${new URL(server.url).origin}`,
        'sandbox allow-popups allow-popups-to-escape-sandbox',
      ].join('; '),
    );
    const html = reply.text();
    for (const banned of [
      '<script',
      'onerror',
      'href="javascript',
      '<iframe',
      '<object',
      '<embed',
      '<base',
      '<meta http-equiv',
      'ping=',
      '@import',
    ]) {
      expect(html, banned).not.toContain(banned);
    }
    for (const path of [...HOSTILE_PATHS.remoteContent, ...HOSTILE_PATHS.never]) {
      expect(html, path).not.toMatch(loading(path));
    }
    // CSS escapes (`\75 rl(` is `url(`) are gone, so the pattern above sees what CSS would.
    expect(html).not.toContain('\\75');
    // A link stays a link (opened on a click, in a new tab, without a Referer).
    expect(html).toContain(
      `<a id="ping-link" href="${REMOTE}/page" target="_blank" rel="noopener noreferrer">`,
    );
    expect(html).toContain('<p id="marker">This message tries everything.</p>');
  });

  it('with remote content allowed, names the remote origins in the policy and keeps images only', async () => {
    // Prepare
    const { id } = await archive.record('hostile-html');
    // Act
    const reply = await api(`m/${id}/html?remote=1`);
    // Assess
    expect(reply.headers['content-security-policy']).toContain(
      `img-src data: ${server.url}api/m/${id}/cid/ ${REMOTE};`,
    );
    expect(reply.headers['content-security-policy']).toContain(`font-src data: ${REMOTE};`);
    const html = reply.text();
    expect(html).toContain(`src="${REMOTE}/img"`);
    for (const path of HOSTILE_PATHS.never) expect(html, path).not.toMatch(loading(path));
  });

  it('points cid: images to the message’s own part, and serves the image from it', async () => {
    // Prepare
    const { id } = await archive.record('html-invoice');
    // Act
    const html = (await api(`m/${id}/html`)).text();
    const image = await api(`m/${id}/cid/${encodeURIComponent('logo@utility.example')}`);
    // Assess
    expect(html).toContain('src="cid/logo%40utility.example"');
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(image.body, LOGO)).toBe(0);
  });

  it('redirects a frame opened by UIDL to the id, where its cid: images resolve', async () => {
    // Prepare
    const { id } = await archive.record('html-invoice');
    // Act
    const reply = await api('m/html-invoice/html?remote=1');
    // Assess
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe(`${server.url}api/m/${id}/html?remote=1`);
  });
});

describe('downloads', () => {
  it('gives the original .eml byte for byte, as an attachment', async () => {
    // Act
    const reply = await api('m/receipt-2019/eml');
    // Assess
    expect(reply.status).toBe(200);
    expect(Buffer.compare(reply.body, receipt.data)).toBe(0);
    expect(Buffer.compare(reply.body, await archive.raw('receipt-2019'))).toBe(0);
    expect(reply.headers['content-type']).toBe('message/rfc822');
    expect(reply.headers['content-disposition']).toBe(
      `attachment; filename="Your receipt for order 2019-117.eml"; filename*=UTF-8''Your%20receipt%20for%20order%202019-117.eml`,
    );
  });

  it('gives an attachment decoded, under its real name (RFC 6266) and type', async () => {
    // Act
    const reply = await api('m/html-invoice/part/1');
    // Assess
    expect(Buffer.compare(reply.body, INVOICE_PDF)).toBe(0);
    expect(reply.headers['content-type']).toBe('application/pdf');
    expect(reply.headers['content-disposition']).toBe(
      `attachment; filename="Rechnung M_rz 2019.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%202019.pdf`,
    );
  });

  it('answers 404 for a part the message does not have', async () => {
    // Act
    const [missing, notImage] = await Promise.all([
      api('m/html-invoice/part/7'),
      api('m/html-invoice/cid/nothing-here'),
    ]);
    // Assess
    expect([missing.status, notImage.status]).toEqual([404, 404]);
  });

  it('shows the raw source as text', async () => {
    // Act
    const reply = await api('m/landlord-1/source');
    // Assess
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.text()).toBe(landlord.data.toString('utf8'));
  });
});

describe('search', () => {
  it('streams the messages whose text contains the words, then a summary', async () => {
    // Act
    const lines = ndjson(await api('search?q=plumber'));
    // Assess
    const matches = lines.filter((line) => line.type === 'match');
    expect(matches.map((line) => (line.row as ListRow).uidl)).toEqual(['landlord-1']);
    expect(lines.at(-1)).toMatchObject({ type: 'done', searched: 5, matched: 1 });
    expect(lines[0]).toEqual({ type: 'progress', searched: 0, total: 5 });
  });

  it('finds senders and subjects too, and searches only what the filters keep', async () => {
    // Act
    const all = ndjson(await api('search?q=invoice'));
    const filtered = ndjson(await api('search?q=invoice&from=*@shop.example'));
    // Assess
    const found = (lines: typeof all) =>
      lines.filter((line) => line.type === 'match').map((line) => (line.row as ListRow).uidl);
    expect(found(all)).toEqual(['html-invoice']);
    expect(found(filtered)).toEqual([]);
    expect(filtered.at(-1)).toMatchObject({ type: 'done', searched: 1, matched: 0 });
  });

  it('refuses an empty search (400)', async () => {
    // Act
    const reply = await api('search?q=%20');
    // Assess
    expect(reply.status).toBe(400);
  });
});

describe('reload', () => {
  it('reads the catalog again: mail archived since the start appears', async () => {
    // Prepare: a later run archives one more message into the same store
    await archive.add([
      ...corpus(REMOTE),
      {
        uidl: 'later-1',
        data: Buffer.from(
          'From: Zoe <zoe@example.test>\r\nSubject: Arrived later\r\nDate: Fri, 27 Nov 2026 09:00:00 +0000\r\n\r\nHello.\r\n',
        ),
      },
    ]);
    // Act
    const before = await rows();
    const reload = await send(`${server.url}api/reload`, { method: 'POST' });
    const after = await rows();
    // Assess
    expect(before.total).toBe(5);
    expect(reload.json()).toEqual({ messages: 6 });
    expect(after.rows[0]?.uidl).toBe('later-1');
  });

  it('is a POST only: a GET (an image in a mail could make one) changes nothing', async () => {
    // Act
    const reply = await api('reload');
    // Assess
    expect(reply.status).toBe(405);
  });
});
