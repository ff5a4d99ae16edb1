import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from './http-client.js';
import {
  corpus,
  HOSTILE_PATHS,
  INVOICE_NAME,
  INVOICE_PDF,
  LOGO,
  landlord,
  receipt,
} from './serve-corpus.js';
import { type Archive, archiveMail, serveArchive } from './serve-fixture.js';

/** The reading pane's data: a message, its HTML frame and its downloads, over HTTP. */

const REMOTE = 'http://remote.invalid:8080';
let archive: Archive;
let server: Awaited<ReturnType<typeof serveArchive>>;

const api = (path: string) => send(`${server.url}api/${path}`);
/** `path` on the remote server as something HTML or CSS would load: an attribute or a url(). */
const loading = (path: string): RegExp =>
  new RegExp(
    `(url\\(\\s*["']?|=")${`${REMOTE}${path}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    'i',
  );

beforeAll(async () => {
  archive = await archiveMail(corpus(REMOTE));
  server = await serveArchive(archive);
});

afterAll(async () => {
  await server?.close();
  await archive?.remove();
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
