import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRow } from '../../../lambda/archive/serve/archive-index.js';
import { ndjson, send } from './http-client.js';
import { corpus, MARKUP_NAME, MARKUP_SUBJECT } from './serve-corpus.js';
import { type Archive, archiveMail, serveArchive } from './serve-fixture.js';

/** The list, its filters, the search and reload, over HTTP. */

const REMOTE = 'http://remote.invalid:8080';
let archive: Archive;
let server: Awaited<ReturnType<typeof serveArchive>>;

const api = (path: string) => send(`${server.url}api/${path}`);
const rows = async (query = '') =>
  (await api(`messages?${query}`)).json<{ total: number; rows: ListRow[] }>();
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
