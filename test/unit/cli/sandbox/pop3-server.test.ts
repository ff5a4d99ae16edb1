import { describe, expect, it } from 'vitest';
import { Pop3Mailbox } from '../../../../lambda/cli/sandbox/pop3-server.js';
import { ALICE, message, useSandbox } from './server-fixture.js';

describe('sandbox POP3 server: session basics', () => {
  const sandbox = useSandbox();

  it('greets with +OK and lists its capabilities, RESP-CODES included', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);

    const greeting = await client.line();
    const status = await client.command('CAPA');
    const capabilities = await client.lines();

    expect(greeting).toMatch(/^\+OK /);
    expect(status).toMatch(/^\+OK/);
    expect(capabilities).toEqual([
      'TOP',
      'USER',
      'SASL PLAIN XOAUTH2',
      'RESP-CODES',
      'AUTH-RESP-CODE',
      'PIPELINING',
      'UIDL',
      'IMPLEMENTATION popfwd-sandbox',
    ]);
  });

  it('reports STAT, LIST and UIDL for the snapshot, singly and in full', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    const stat = await client.command('STAT');
    const listStatus = await client.command('LIST');
    const list = await client.lines();
    const uidlStatus = await client.command('UIDL');
    const uidl = await client.lines();
    const listOne = await client.command('LIST 2');
    const uidlOne = await client.command('UIDL 3');

    expect(stat).toBe('+OK 3 90');
    expect(listStatus).toBe('+OK 3 messages (90 octets)');
    expect(list).toEqual(['1 23', '2 42', '3 25']);
    expect(uidlStatus).toBe('+OK');
    expect(uidl).toEqual(['1 uid-1', '2 uid-2', '3 uid-3']);
    expect(listOne).toBe('+OK 2 42');
    expect(uidlOne).toBe('+OK 3 uid-3');
  });

  it('sends RETR as "+OK n octets", the dot-stuffed body and the terminator, byte for byte', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    client.send('RETR 2');
    client.send('QUIT');
    const wire = await client.rest();

    expect(wire.toString('latin1')).toBe(
      '+OK 42 octets\r\nSubject: two\r\n\r\n..leading dot\r\n..\r\n...\r\nend\r\n.\r\n' +
        '+OK Logging out, 0 messages deleted.\r\n',
    );
  });

  it('sends stored LF-only mail with CRLF and a final CRLF, as Dovecot does', async () => {
    const server = await sandbox.server({ mailbox: [message('lf', 'Subject: lf\n\n.a\nlast')] });
    const client = await sandbox.loggedIn(server);

    const status = await client.command('RETR 1');
    const body = await client.body();

    expect(status).toBe('+OK 23 octets');
    expect(body.toString('latin1')).toBe('Subject: lf\r\n\r\n.a\r\nlast\r\n');
  });

  it('answers TOP with the headers, the blank line and n body lines', async () => {
    const server = await sandbox.server({
      mailbox: [message('t', 'A: 1\r\n\r\nl1\r\n.l2\r\nl3\r\n')],
    });
    const client = await sandbox.loggedIn(server);

    const status = await client.command('TOP 1 2');
    const body = await client.body();

    expect(status).toBe('+OK');
    expect(body.toString('latin1')).toBe('A: 1\r\n\r\nl1\r\n.l2\r\n');
  });

  it('refuses bad message numbers and deleted messages with a single -ERR line', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    const replies = [
      await client.command('RETR 9'),
      await client.command('RETR x'),
      await client.command('RETR'),
      await client.command('DELE 1'),
      await client.command('RETR 1'),
      await client.command('LIST 1'),
      await client.command('TOP 2 -1'),
      await client.command('STAT'),
    ];

    expect(replies).toEqual([
      "-ERR There's no message 9.",
      '-ERR Invalid message number.',
      '-ERR Invalid message number.',
      '+OK Marked to be deleted.',
      '-ERR Message is deleted.',
      '-ERR Message is deleted.',
      '-ERR Invalid number of lines.',
      '+OK 2 67',
    ]);
  });

  it('refuses commands outside their state and unknown commands', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const before = [await client.command('STAT'), await client.command('NOOP')];
    await client.command(`USER ${ALICE.user}`);
    await client.command(`PASS ${ALICE.password}`);
    const after = [await client.command('USER bob'), await client.command('XYZZY')];

    expect(before).toEqual([
      '-ERR Command not valid in this state.',
      '-ERR Command not valid in this state.',
    ]);
    expect(after).toEqual(['-ERR Command not valid in this state.', '-ERR Unknown command.']);
  });

  it('answers a pipelined batch sent in one write, in order', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    client.write(
      `USER ${ALICE.user}\r\nPASS ${ALICE.password}\r\nSTAT\r\nRETR 1\r\nDELE 1\r\nNOOP\r\nQUIT\r\n`,
    );
    const wire = (await client.rest()).toString('latin1');

    expect(wire).toBe(
      '+OK\r\n+OK Logged in.\r\n+OK 3 90\r\n+OK 23 octets\r\nSubject: one\r\n\r\nfirst\r\n.\r\n' +
        '+OK Marked to be deleted.\r\n+OK\r\n+OK Logging out, 1 messages deleted.\r\n',
    );
  });

  it('disconnects a client whose command line exceeds the limit', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    client.send(`USER ${'a'.repeat(300)}`);
    const reply = await client.line();
    await client.closed();

    expect(reply).toBe('-ERR Command line too long.');
  });

  it('records received lines per session with the password masked', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);
    await client.command('QUIT');

    expect(server.commands(1)).toEqual([`USER ${ALICE.user}`, 'PASS ****', 'QUIT']);
    expect(JSON.stringify(server.transcript)).not.toContain(ALICE.password);
  });
});

describe('sandbox POP3 server: UPDATE state and the maildrop lock', () => {
  const sandbox = useSandbox();

  it('deletes marked messages only when the session QUITs', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    await client.command('DELE 1');
    await client.command('DELE 3');
    const beforeQuit = server.mailbox.messages.map((m) => m.uidl);
    const quit = await client.command('QUIT');

    expect(beforeQuit).toEqual(['uid-1', 'uid-2', 'uid-3']);
    expect(quit).toBe('+OK Logging out, 2 messages deleted.');
    expect(server.mailbox.messages.map((m) => m.uidl)).toEqual(['uid-2']);
  });

  it('deletes nothing when the connection drops after DELE', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    await client.command('DELE 1');
    client.destroy();
    await server.idle();

    expect(server.mailbox.messages).toHaveLength(3);
    expect(server.mailbox.locked).toBe(false);
  });

  it('forgets deletion marks on RSET', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    await client.command('DELE 1');
    const rset = await client.command('RSET');
    const stat = await client.command('STAT');
    await client.command('QUIT');

    expect(rset).toBe('+OK');
    expect(stat).toBe('+OK 3 90');
    expect(server.mailbox.messages).toHaveLength(3);
  });

  it('answers a second session [IN-USE] while the first holds the maildrop', async () => {
    const server = await sandbox.server();
    const first = await sandbox.loggedIn(server);
    const second = await sandbox.client(server);
    await second.line();

    await second.command(`USER ${ALICE.user}`);
    const refused = await second.command(`PASS ${ALICE.password}`);
    await first.command('QUIT');
    await second.command(`USER ${ALICE.user}`);
    const accepted = await second.command(`PASS ${ALICE.password}`);

    expect(refused).toBe('-ERR [IN-USE] Mailbox is locked by another POP3 session.');
    expect(accepted).toBe('+OK Logged in.');
  });

  it('shares one mailbox and its lock between servers', async () => {
    const mailbox = new Pop3Mailbox([message('shared-1', 'Subject: s\r\n\r\nx\r\n')]);
    const plain = await sandbox.server({ mailbox });
    const other = await sandbox.server({ mailbox });
    await sandbox.loggedIn(plain);
    const client = await sandbox.client(other);
    await client.line();

    await client.command(`USER ${ALICE.user}`);
    const refused = await client.command(`PASS ${ALICE.password}`);

    expect(refused).toMatch(/^-ERR \[IN-USE\]/);
  });

  it('shows messages added to the mailbox to the next session, not the current one', async () => {
    const server = await sandbox.server();
    const client = await sandbox.loggedIn(server);

    server.mailbox.add(message('uid-4', 'Subject: four\r\n\r\n4\r\n'));
    const during = await client.command('STAT');
    await client.command('QUIT');
    const next = await sandbox.loggedIn(server);
    const after = await next.command('STAT');

    expect(during).toBe('+OK 3 90');
    expect(after).toBe('+OK 4 110');
  });

  it('refuses invalid and duplicate UIDLs in the mailbox', () => {
    expect(() => new Pop3Mailbox([message('has space', 'x')])).toThrow(/invalid UIDL/);
    expect(() => new Pop3Mailbox([message('a', 'x'), message('a', 'y')])).toThrow(/duplicate/);
  });

  it('logs an idle client out without entering UPDATE', async () => {
    const server = await sandbox.server({ limits: { idleTimeoutMs: 50 } });
    const client = await sandbox.loggedIn(server);

    await client.command('DELE 1');
    const goodbye = await client.line();
    await client.closed();
    await server.idle();

    expect(goodbye).toBe('-ERR Disconnected for inactivity.');
    expect(server.mailbox.messages).toHaveLength(3);
  });
});
