import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store } from '../../../lambda/stores/s3/s3-store.js';
import { createS3Fake, type S3Fake } from '../../helpers/stores/s3-fake.js';
import { ndjson, send } from './http-client.js';
import { corpus, INVOICE_PDF, receipt } from './serve-corpus.js';
import { type Archive, archiveMail, serveArchive } from './serve-fixture.js';

/** The viewer reads through the store port: an archive on S3 reads exactly like a directory. */
describe('archive serve over an S3 archive', () => {
  let fake: S3Fake;
  let archive: Archive;
  let server: Awaited<ReturnType<typeof serveArchive>>;

  beforeAll(async () => {
    fake = createS3Fake({ maxKeys: 2 });
    const store = createS3Store({ client: fake.client, bucket: fake.bucket, prefix: 'popfwd/' });
    archive = await archiveMail(corpus('http://remote.invalid'), { store });
    server = await serveArchive(archive);
  });

  afterAll(async () => {
    await server?.close();
    await archive?.remove();
    fake?.restore();
  });

  it('lists, opens, searches and downloads as it does from a local directory', async () => {
    // Act
    const list = (await send(`${server.url}api/messages`)).json<{ total: number }>();
    const message = (await send(`${server.url}api/m/receipt-2019`)).json<{ text: string }>();
    const eml = await send(`${server.url}api/m/receipt-2019/eml`);
    const pdf = await send(`${server.url}api/m/html-invoice/part/1`);
    const search = ndjson(await send(`${server.url}api/search?q=plumber`));
    // Assess
    expect(list.total).toBe(5);
    expect(message.text).toContain('Total: 42.00 EUR');
    expect(Buffer.compare(eml.body, receipt.data)).toBe(0);
    expect(Buffer.compare(pdf.body, INVOICE_PDF)).toBe(0);
    expect(search.at(-1)).toMatchObject({ type: 'done', matched: 1, searched: 5 });
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
  });
});
