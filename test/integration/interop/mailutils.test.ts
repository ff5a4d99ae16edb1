import { afterAll, beforeAll, expect, it } from 'vitest';
import { interopCorpus } from '../../helpers/interop/corpus.js';
import { existingRoot } from '../../helpers/interop/debian.js';
import { type MatrixResult, runMatrix } from '../../helpers/interop/matrix.js';
import { mailutils, mailutilsBinary } from '../../helpers/interop/servers/mailutils.js';
import { describeWithServer } from '../../helpers/interop/suite.js';
import type { InteropServer } from '../../helpers/interop/types.js';

const corpus = interopCorpus();
const root = await existingRoot(mailutils.package);
const missing = mailutilsBinary(root)
  ? mailutils.unavailable()
  : 'GNU Mailutils pop3d is not there (`npm run interop -- --prepare mailutils` extracts it)';

const served = (result: MatrixResult, name: string): Buffer => {
  const data = result.served.get(name);
  if (!data) throw new Error(`the server did not serve ${name}`);
  return data;
};

describeWithServer('interop: GNU Mailutils pop3d (mbox)', missing, () => {
  let server: InteropServer | undefined;
  let result: MatrixResult;

  beforeAll(async () => {
    server = await mailutils.start(
      corpus.map((message) => message.data),
      root,
    );
    result = await runMatrix(server, corpus);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('serves the corpus with its edge cases, so that popfwd meets each of them', () => {
    expect(result.total).toBe(corpus.length);
    expect(served(result, 'utf8-headers').includes('Subject: Grüße aus Köln — ✓')).toBe(true);
    expect(
      served(result, 'latin1-headers').includes(Buffer.from('From: Ren\xe9 M\xfcller', 'latin1')),
    ).toBe(true);
    expect(served(result, 'dot-lines').includes('\r\n.\r\n..\r\n...\r\n.hidden\r\n')).toBe(true);
    expect(served(result, 'bare-cr').includes('col1\rcol2\r\n\rleading')).toBe(true);
    expect(served(result, 'long-line-12000').includes(`${'0123456789'.repeat(1_200)}\r\n`)).toBe(
      true,
    );
    expect(served(result, 'big-10mb').length).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('archives every message as RETR served it, byte for byte, with retention keep', () => {
    expect(result.keep).toMatchObject({
      exitCode: 0,
      archived: corpus.length,
      exact: corpus.length,
      exactToWire: corpus.length,
    });
    expect(result.keptAll).toBe(true);
  });

  it('archives every message byte for byte, then deletes them all, with retention delete', () => {
    expect(result.delete).toMatchObject({
      exitCode: 0,
      archived: corpus.length,
      exact: corpus.length,
      exactToWire: corpus.length,
    });
    expect(result.deleteOk).toBe(true);
    expect(result.warning).toBeUndefined();
  });
});
