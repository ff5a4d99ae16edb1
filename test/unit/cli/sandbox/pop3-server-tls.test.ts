import { describe, expect, it } from 'vitest';
import { startPop3Server } from '../../../../lambda/cli/sandbox/pop3-server.js';
import { RawPop3Client } from '../../../helpers/pop3/raw-pop3-client.js';
import { testTls, untrustedTls } from '../../../helpers/tls-fixtures.js';
import { ALICE, useSandbox } from './server-fixture.js';

const { ca, cert, key } = testTls();

describe('sandbox POP3 server: implicit TLS', () => {
  const sandbox = useSandbox();

  it('speaks POP3 only after the handshake, with the configured certificate', async () => {
    const server = await sandbox.server({ tls: { key, cert } });

    const client = await sandbox.loggedIn(server, { tlsCa: ca });
    const stat = await client.command('STAT');
    await client.command('CAPA');
    const capabilities = await client.lines();

    expect(server.security).toBe('tls');
    expect(client.secure).toBe(true);
    expect(stat).toBe('+OK 3 90');
    expect(capabilities).not.toContain('STLS');
  });

  it('is refused by a client that does not trust its certificate', async () => {
    const server = await sandbox.server({ tls: untrustedTls() });

    const connecting = RawPop3Client.connect(server, { tlsCa: ca });

    await expect(connecting).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('sandbox POP3 server: STLS', () => {
  const sandbox = useSandbox();

  it('offers STLS before TLS, upgrades, and stops offering it afterwards', async () => {
    const server = await sandbox.server({ starttls: { key, cert } });
    const client = await sandbox.client(server);
    await client.line();

    await client.command('CAPA');
    const before = await client.lines();
    const stls = await client.command('STLS');
    await client.startTls(ca);
    await client.command('CAPA');
    const after = await client.lines();
    const again = await client.command('STLS');

    expect(server.security).toBe('starttls');
    expect(before).toContain('STLS');
    expect(stls).toBe('+OK Begin TLS negotiation now.');
    expect(client.secure).toBe(true);
    expect(after).not.toContain('STLS');
    expect(again).toBe('-ERR TLS is already active.');
  });

  it('discards plaintext commands pipelined behind STLS (no command injection into TLS)', async () => {
    const server = await sandbox.server({ starttls: { key, cert } });
    const client = await sandbox.client(server);
    await client.line();

    client.write(`STLS\r\nUSER ${ALICE.user}\r\nPASS ${ALICE.password}\r\n`);
    await client.line();
    await client.startTls(ca);
    const stat = await client.command('STAT');

    expect(stat).toBe('-ERR Command not valid in this state.');
    expect(server.commands()).toEqual(['STLS', 'STAT']);
  });

  it('forgets a USER given before the upgrade', async () => {
    const server = await sandbox.server({ starttls: { key, cert } });
    const client = await sandbox.client(server);
    await client.line();

    await client.command(`USER ${ALICE.user}`);
    await client.command('STLS');
    await client.startTls(ca);
    const pass = await client.command(`PASS ${ALICE.password}`);

    expect(pass).toBe('-ERR No username given.');
  });

  it('injects plaintext right after +OK in the same write when the STLS injection fault is set', async () => {
    const server = await sandbox.server({
      starttls: { key, cert },
      faults: { stlsInjection: '+OK Logged in.\r\n' },
    });
    const client = await sandbox.client(server);
    await client.line();

    const ok = await client.command('STLS');
    const leftover = await client.startTls(ca);
    const stat = await client.command('STAT');

    expect(ok).toBe('+OK Begin TLS negotiation now.');
    expect(leftover.toString('latin1')).toBe('+OK Logged in.\r\n');
    expect(stat).toBe('-ERR Command not valid in this state.');
  });

  it('does not know STLS without starttls material, nor on an implicit TLS listener', async () => {
    const plain = await sandbox.server();
    const implicit = await sandbox.server({ tls: { key, cert } });
    const plainClient = await sandbox.client(plain);
    const tlsClient = await sandbox.client(implicit, { tlsCa: ca });
    await plainClient.line();
    await tlsClient.line();

    expect(await plainClient.command('STLS')).toBe('-ERR Unknown command.');
    expect(await tlsClient.command('STLS')).toBe('-ERR Unknown command.');
  });

  it('refuses to start with both implicit TLS and STLS', async () => {
    await expect(startPop3Server({ tls: { key, cert }, starttls: { key, cert } })).rejects.toThrow(
      /not both/,
    );
  });
});
