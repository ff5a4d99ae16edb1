import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readBodyFacts } from '../../../lambda/mail/body-facts.js';

const LIMIT = { limit: 1024 * 1024 };

const fixture = (name: string): Readable =>
  Readable.from([readFileSync(new URL(`../../fixtures/mail/${name}`, import.meta.url))]);

const message = (text: string): Readable =>
  Readable.from([Buffer.from(text.replace(/\n/g, '\r\n'))]);

const ALTERNATIVE = `From: a@x.example
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Plain version: meeting at 10.
--alt
Content-Type: text/html; charset=utf-8

<p>HTML version: <b>meeting at 11</b></p>
--alt--
`;

const RELATED_AND_ATTACHED = `From: a@x.example
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>Logo: <img src="cid:logo@x"></p>
--rel
Content-Type: image/png
Content-ID: <logo@x>
Content-Disposition: inline
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--rel--
--mix
Content-Type: application/pdf; name="a.pdf"
Content-Disposition: attachment; filename="a.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--mix
Content-Type: message/rfc822
Content-Disposition: attachment

From: inner@x.example
Subject: forwarded

inner body
--mix--
`;

describe('readBodyFacts', () => {
  it('takes the text part of multipart/alternative, not the HTML', async () => {
    const facts = await readBodyFacts(message(ALTERNATIVE), LIMIT);

    expect(facts).toEqual({
      text: 'Plain version: meeting at 10.',
      hasAttachment: false,
      attachmentCount: 0,
    });
  });

  it('converts HTML to text when there is no text part', async () => {
    const facts = await readBodyFacts(fixture('html-only-invoice.eml'), LIMIT);

    expect(facts.text).toContain('Invoice No. 4711');
    expect(facts.text).not.toContain('<b>');
  });

  it('counts attachments, not inline images of the HTML', async () => {
    const facts = await readBodyFacts(message(RELATED_AND_ATTACHED), LIMIT);

    expect(facts).toMatchObject({ hasAttachment: true, attachmentCount: 2 });
    expect(facts.text).toContain('Logo:');
  });

  it('counts the PDF of a real message and keeps its text', async () => {
    const facts = await readBodyFacts(fixture('boss-with-attachment.eml'), LIMIT);

    expect(facts).toEqual({
      text: 'Alice, numbers attached. Call me.',
      hasAttachment: true,
      attachmentCount: 1,
    });
  });

  it('reads a plain message without MIME headers', async () => {
    const facts = await readBodyFacts(message('Subject: x\n\nJust text.\n'), LIMIT);

    expect(facts.text.trim()).toBe('Just text.');
  });

  it('caps the text at the limit', async () => {
    const facts = await readBodyFacts(message(`Subject: x\n\n${'word '.repeat(10_000)}\n`), {
      limit: 100,
    });

    expect(facts.text).toHaveLength(100);
  });

  it('strips the tags of HTML too long to convert in linear time, whatever it holds', async () => {
    // Over 1 MiB of HTML is stripped, not converted; a run of "<" without ">" took hours before
    const html = `<p>${'<'.repeat(1_200_000)}`;
    const raw = `Subject: x\nContent-Type: text/html\n\n${html}\n`;

    const start = performance.now();
    const facts = await readBodyFacts(message(raw), { limit: 1000 });

    expect(performance.now() - start).toBeLessThan(5_000);
    expect(facts.text.length).toBeLessThanOrEqual(1000);
  });

  it.each([
    ['an unclosed multipart with bad base64', () => fixture('broken-mime.eml')],
    ['an empty stream', () => Readable.from([])],
    ['a header block only', () => message('Subject: x\n')],
    [
      'binary garbage',
      () => Readable.from([Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 0x80])]),
    ],
    [
      'a boundary that never appears',
      () => message('Content-Type: multipart/mixed; boundary="nope"\n\nno parts here\n'),
    ],
    [
      'nested multiparts cut off mid-part',
      () =>
        message(
          'Content-Type: multipart/mixed; boundary="a"\n\n--a\nContent-Type: multipart/alternative; boundary="b"\n\n--b\nContent-Type: text/plain\n\ncut',
        ),
    ],
  ])('returns what it could for %s, never hanging', async (_, stream) => {
    const facts = await readBodyFacts(stream(), LIMIT);

    expect(typeof facts.text).toBe('string');
    expect(facts.attachmentCount).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [
      'more MIME parts than the parser allows',
      `Content-Type: multipart/mixed; boundary="b"\n\n${'--b\nContent-Type: application/octet-stream\n\nx\n'.repeat(1200)}--b--\n`,
      'Max allowed child nodes exceeded',
    ],
    [
      'a part header over 1 MB',
      `Content-Type: multipart/mixed; boundary="b"\n\n--b\nX-Big: ${'y'.repeat(1100 * 1024)}\n\nhello\n--b--\n`,
      'Max header size for a MIME node exceeded',
    ],
  ])('reports %s as a parse error instead of failing', async (_, text, problem) => {
    const facts = await readBodyFacts(message(text), LIMIT);

    expect(facts.parseError).toBe(`the message body could not be fully parsed: ${problem}`);
  });

  it('rejects when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('archive read failed'));
      },
    });

    await expect(readBodyFacts(failing, LIMIT)).rejects.toThrow('archive read failed');
  });
});

/** A message with one large base64 attachment, generated as it is read. */
const largeAttachment = (bytes: number, sample: () => void): Readable => {
  const head = Buffer.from(
    'From: a@x.example\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
  );
  const line = Buffer.from(`${Buffer.alloc(57, 7).toString('base64')}\r\n`);
  const block = Buffer.concat(Array.from({ length: 1000 }, () => line));
  let remaining = Math.ceil(bytes / 57 / 1000);
  let started = false;
  return new Readable({
    read() {
      sample();
      if (!started) {
        started = true;
        this.push(head);
      } else if (remaining > 0) {
        remaining -= 1;
        this.push(block);
      } else if (remaining === 0) {
        remaining = -1;
        this.push('--XX--\r\n');
      } else this.push(null);
    },
  });
};

/** Forces a full collection, so what is measured is what is still held. */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

describe('readBodyFacts on a 30 MB attachment', () => {
  it('drains the attachment without holding it in memory', async () => {
    // Prepare: measure the memory still held every ~4 MB of input
    const gc = collectGarbage();
    const held = () => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const before = held();
    let peak = 0;
    let reads = 0;
    const stream = largeAttachment(30 * 1024 * 1024, () => {
      reads += 1;
      if (reads % 50 === 0) peak = Math.max(peak, held() - before);
    });

    // Act
    const facts = await readBodyFacts(stream, LIMIT);

    // Assess: holding the attachment would keep 30 MB decoded (plus its base64)
    expect(facts).toEqual({ text: 'See attachment.', hasAttachment: true, attachmentCount: 1 });
    expect(reads).toBeGreaterThan(500);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
