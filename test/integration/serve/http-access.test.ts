import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArchiveServer } from '../../../lambda/archive/serve/server.js';
import { isPopfwdError } from '../../../lambda/errors.js';
import { send } from './http-client.js';
import { corpus, OWNER } from './serve-corpus.js';
import { type Archive, archiveMail, layout, serveArchive } from './serve-fixture.js';

/**
 * Who may read the archive: only whoever holds the printed URL, only from this machine. Other
 * users of the machine and web pages the owner visits can reach 127.0.0.1 too; the token and the
 * Host check are what stop them.
 */

let archive: Archive;
let server: Awaited<ReturnType<typeof serveArchive>>;
let token: string;
let origin: string;

beforeAll(async () => {
  archive = await archiveMail(corpus('http://remote.invalid'));
  server = await serveArchive(archive);
  const url = new URL(server.url);
  origin = url.origin;
  token = url.pathname.split('/')[1] ?? '';
});

afterAll(async () => {
  await server?.close();
  await archive?.remove();
});

describe('the token', () => {
  it('is a long random path segment, different for every server', async () => {
    // Prepare: a second server over the same archive
    const other = await serveArchive(archive);
    // Act
    const otherToken = new URL(other.url).pathname.split('/')[1];
    await other.close();
    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(otherToken).not.toBe(token);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/${token}/`);
  });

  it('opens the page and the API to a request that carries it', async () => {
    // Act
    const page = await send(server.url);
    const info = await send(`${server.url}api/info`);
    // Assess
    expect(page.status).toBe(200);
    expect(page.text()).toContain('<title>popfwd archive</title>');
    expect(info.json()).toMatchObject({ mailbox: OWNER, messages: 5 });
  });

  it.each([
    ['no token', '/'],
    ['no token, API', '/api/info'],
    ['a wrong token of the same length', `/${'A'.repeat(43)}/api/info`],
    ['the token cut short', () => `/${token.slice(0, -1)}/api/info`],
    ['the token with more after it', () => `/${token}x/api/info`],
    ['the token in the query', () => `/api/info?token=${token}`],
    ['the token further down the path', () => `/api/${token}/info`],
    ['a message download without the token', '/api/m/receipt-2019/eml'],
  ] as const)('refuses %s with 403 and no data', async (_name, path) => {
    // Act
    const reply = await send(`${origin}${typeof path === 'function' ? path() : path}`);
    // Assess
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual({ error: { status: 403, message: 'forbidden' } });
  });

  it('refuses the right token under another host name (a DNS rebinding page)', async () => {
    // Act
    const reply = await send(`${server.url}api/info`, {
      headers: { host: `attacker.example:${server.port}` },
    });
    // Assess
    expect(reply.status).toBe(403);
    expect(reply.text()).not.toContain(OWNER);
  });

  it('answers to localhost as well as to the address it listens on', async () => {
    // Act
    const reply = await send(`${server.url}api/info`, {
      headers: { host: `localhost:${server.port}` },
    });
    // Assess
    expect(reply.status).toBe(200);
  });

  it('redirects the token without its slash to the page, so relative URLs resolve', async () => {
    // Act
    const reply = await send(`${origin}/${token}`);
    // Assess
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`/${token}/`);
  });
});

describe('loopback only', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'localhost', 'example.com'])(
    'refuses to listen on %s (EUSAGE), before opening any socket',
    async (host) => {
      // Act
      const started = startArchiveServer({
        store: archive.store,
        layout,
        mailbox: OWNER,
        catalog: { records: [], byId: () => undefined },
        host,
      });
      // Assess
      const error = await started.then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(isPopfwdError(error) && error.code).toBe('EUSAGE');
      expect(String((error as Error).message)).toContain('loopback only');
    },
  );

  it('listens on another loopback address when asked', async () => {
    // Act
    const other = await serveArchive(archive, { host: '127.0.0.2' });
    const reply = await send(`${other.url}api/info`);
    await other.close();
    // Assess
    expect(other.url.startsWith('http://127.0.0.2:')).toBe(true);
    expect(reply.status).toBe(200);
  });
});

describe('what a request may be', () => {
  it.each(['PUT', 'DELETE', 'OPTIONS', 'PATCH'])('refuses %s with 405', async (method) => {
    // Act
    const reply = await send(`${server.url}api/info`, { method });
    // Assess
    expect(reply.status).toBe(405);
  });

  it('refuses a request with a body (413): the viewer reads none', async () => {
    // Act
    const reply = await send(`${server.url}api/reload`, { method: 'POST', body: 'x'.repeat(1000) });
    // Assess
    expect(reply.status).toBe(413);
  });

  it('refuses a request line over 8 KiB (414)', async () => {
    // Act
    const reply = await send(`${server.url}api/messages?subject=${'a'.repeat(9000)}`);
    // Assess
    expect(reply.status).toBe(414);
  });

  it('refuses a filter longer than 200 characters (400)', async () => {
    // Act
    const reply = await send(`${server.url}api/messages?subject=${'a'.repeat(201)}`);
    // Assess
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual({
      error: { status: 400, message: 'subject: at most 200 characters' },
    });
  });

  it.each([
    ['offset=-1', 'offset: a whole number from 0 to 1000000000'],
    ['limit=501', 'limit: a whole number from 0 to 500'],
    ['since=yesterday', 'since: not a date: yesterday'],
    ['larger=huge', 'larger: not a size: huge'],
  ])('refuses %s (400) saying why', async (query, message) => {
    // Act
    const reply = await send(`${server.url}api/messages?${query}`);
    // Assess
    expect(reply.json()).toEqual({ error: { status: 400, message } });
  });

  it('sends the headers that keep mail private on every response', async () => {
    // Act
    const replies = await Promise.all(
      ['', 'api/info', 'api/messages', 'api/m/receipt-2019', 'api/m/receipt-2019/eml', 'nope'].map(
        (path) => send(`${server.url}${path}`),
      ),
    );
    // Assess
    for (const reply of replies) {
      expect(reply.headers).toMatchObject({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it("gives the page a policy that loads scripts, styles and data from the token's own paths only", async () => {
    // Act
    const reply = await send(server.url);
    // Assess
    expect(reply.headers['content-security-policy']).toBe(
      [
        "default-src 'none'",
        `script-src ${server.url}assets/`,
        `style-src ${server.url}assets/`,
        `img-src ${server.url}assets/ data:`,
        `connect-src ${server.url}api/`,
        `frame-src ${server.url}api/m/`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
  });
});
