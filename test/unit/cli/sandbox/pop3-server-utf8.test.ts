import { describe, expect, it } from 'vitest';
import { hasEightBitHeader } from '../../../../lambda/cli/sandbox/pop3-unicode-notice.js';
import { ALICE, message, useSandbox } from './server-fixture.js';

const EAI = { uidl: 'eai', data: Buffer.from('Subject: Grüße\r\n\r\nbody\r\n', 'utf8') };
const ASCII_HEADER = message('plain', 'Subject: plain\r\n\r\ncaf\xe9 in the body only\r\n');

describe('sandbox POP3 server: RFC 6856 UTF8, Courier style', () => {
  const sandbox = useSandbox();
  const courier = {
    capabilities: { utf8: true, substituteUnicode: true },
    mailbox: [EAI, ASCII_HEADER],
  };

  it('offers UTF8 in CAPA and accepts the command only after the login, as Courier does', async () => {
    const server = await sandbox.server(courier);
    const client = await sandbox.client(server);
    await client.line();

    const capa = await client.command('CAPA');
    const lines = await client.lines();
    const early = await client.command('UTF8');
    await client.command(`USER ${ALICE.user}`);
    await client.command(`PASS ${ALICE.password}`);
    const late = await client.command('UTF8');

    expect(capa).toMatch(/^\+OK/);
    expect(lines).toContain('UTF8 USER');
    expect(early).toMatch(/^-ERR/);
    expect(late).toBe('+OK UTF8 enabled');
  });

  it('serves a notice instead of a message with 8-bit headers until UTF8, then the message', async () => {
    const server = await sandbox.server(courier);
    const client = await sandbox.loggedIn(server);

    await client.command('RETR 1');
    const before = await client.body();
    await client.command('RETR 2');
    const asciiHeader = await client.body();
    await client.command('UTF8');
    await client.command('RETR 1');
    const after = await client.body();

    expect(before.toString('latin1')).toContain('Subject: Cannot display Unicode content');
    expect(before.includes(EAI.data)).toBe(true);
    expect(asciiHeader).toEqual(ASCII_HEADER.data);
    expect(after).toEqual(EAI.data);
  });

  it('makes a new notice in every session', async () => {
    const server = await sandbox.server(courier);
    const notices: Buffer[] = [];
    for (let session = 0; session < 2; session += 1) {
      const client = await sandbox.loggedIn(server);
      await client.command('RETR 1');
      notices.push(await client.body());
      await client.command('QUIT');
    }

    expect(notices[0]?.equals(notices[1] as Buffer)).toBe(false);
  });

  it('knows an 8-bit header from an 8-bit body', () => {
    expect(hasEightBitHeader(EAI.data)).toBe(true);
    expect(hasEightBitHeader(ASCII_HEADER.data)).toBe(false);
    expect(hasEightBitHeader(Buffer.from('\r\nGrüße', 'utf8'))).toBe(false);
  });
});
