import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../helpers/secrets/secret-scan.js';

const SECRET = 'pa"ss\\word with spaces+/=';

describe('findLeaks', () => {
  it.each([
    ['as itself', `x ${SECRET} y`],
    ['URL-encoded', `x=${encodeURIComponent(SECRET)}`],
    ['form-encoded', new URLSearchParams({ x: SECRET }).toString()],
    ['escaped in a JSON string', JSON.stringify({ error: `bad ${SECRET}` })],
    ['in base64 at offset 0', Buffer.from(SECRET).toString('base64')],
    ['in base64 at offset 1', Buffer.from(`\0${SECRET}`).toString('base64')],
    ['in base64 at offset 2', Buffer.from(`ab${SECRET}\x01`).toString('base64')],
    ['in base64url', Buffer.from(`abc${SECRET}`).toString('base64url')],
  ])('finds a secret %s', (_name, text) => {
    expect(findLeaks({ secret: SECRET }, { text })).toEqual([{ secret: 'secret', where: 'text' }]);
  });

  it('finds nothing in text without it', () => {
    expect(findLeaks({ secret: SECRET }, { text: 'pa"ss word [redacted]' })).toEqual([]);
  });
});
