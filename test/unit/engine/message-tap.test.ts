import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { HEADER_CAPTURE_LIMIT, MessageTap } from '../../../lambda/engine/message-tap.js';

const run = async (chunks: Buffer[]) => {
  const tap = new MessageTap();
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), tap, async (source) => {
    for await (const chunk of source) out.push(chunk as Buffer);
  });
  return { tap, passed: Buffer.concat(out) };
};

const bytesOf = (text: string) => Buffer.from(text, 'latin1');

describe('MessageTap', () => {
  it('passes every byte through unchanged and hashes exactly those bytes', async () => {
    const message = Buffer.concat([
      bytesOf('Subject: x\r\n\r\nbody \xe9\r\n'),
      Buffer.from([0, 255, 13, 10]),
    ]);
    const { tap, passed } = await run([message.subarray(0, 5), message.subarray(5)]);
    expect(passed.equals(message)).toBe(true);
    expect(tap.size).toBe(message.length);
    expect(tap.digest()).toBe(createHash('sha256').update(message).digest('hex'));
  });

  it('captures the header block across chunk boundaries, at every split', async () => {
    const message = bytesOf('From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n\r\nmore\r\n');
    for (let cut = 1; cut < message.length; cut += 1) {
      const { tap } = await run([message.subarray(0, cut), message.subarray(cut)]);
      expect(tap.header.toString('latin1'), `split at ${cut}`).toBe(
        'From: a@example.org\r\nSubject: hi\r\n\r\n',
      );
    }
  });

  it('ends the header block at an empty line with bare LF endings', async () => {
    const { tap } = await run([bytesOf('Subject: lf\n\nbody\n')]);
    expect(tap.header.toString()).toBe('Subject: lf\n\n');
  });

  it('takes the whole message as header when there is no empty line', async () => {
    const { tap } = await run([bytesOf('Subject: only headers\r\n')]);
    expect(tap.header.toString()).toBe('Subject: only headers\r\n');
  });

  it('sees no header fields when the message starts with an empty line', async () => {
    const { tap } = await run([bytesOf('\r\nSubject: this is body\r\n')]);
    expect(tap.header.toString()).toBe('\r\n');
  });

  it('caps the captured header block and still passes everything', async () => {
    const huge = Buffer.alloc(HEADER_CAPTURE_LIMIT + 5000, 'a');
    const { tap, passed } = await run([huge]);
    expect(tap.header.length).toBe(HEADER_CAPTURE_LIMIT);
    expect(passed.length).toBe(huge.length);
  });

  it('handles an empty message', async () => {
    const { tap } = await run([]);
    expect(tap.size).toBe(0);
    expect(tap.header.length).toBe(0);
  });
});
