import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Pop3CommandInfo, ReplySplitter } from '../../../../lambda/cli/sandbox/pop3-server.js';
import { fault, split } from '../../../helpers/pop3/pop3-faults.js';
import { ALICE, useSandbox } from './server-fixture.js';

const RETR_2 = '+OK 42 octets\r\nSubject: two\r\n\r\n..leading dot\r\n..\r\n...\r\nend\r\n.\r\n';

describe('sandbox POP3 server: command faults', () => {
  const sandbox = useSandbox();

  it('replaces the greeting, e.g. "-ERR busy" and a close', async () => {
    const server = await sandbox.server({
      faults: { greeting: fault.reply('-ERR [SYS/TEMP] busy, try later', { close: true }) },
    });
    const client = await sandbox.client(server);

    const everything = await client.rest();

    expect(everything.toString('latin1')).toBe('-ERR [SYS/TEMP] busy, try later\r\n');
  });

  it('tells the hook each command with PASS masked, and answers what the hook returns', async () => {
    const seen: Pop3CommandInfo[] = [];
    const server = await sandbox.server({
      faults: {
        onCommand: (command) => {
          seen.push(command);
          return command.name === 'PASS' ? fault.reply('-ERR [LOGIN-DELAY] 900 wait') : undefined;
        },
      },
    });
    const client = await sandbox.client(server);
    await client.line();

    await client.command(`USER ${ALICE.user}`);
    const pass = await client.command(`PASS ${ALICE.password}`);

    expect(pass).toBe('-ERR [LOGIN-DELAY] 900 wait');
    expect(
      seen.map(({ name, args, line, state, user, sequence, session, secure }) => ({
        name,
        args,
        line,
        state,
        user,
        sequence,
        session,
        secure,
      })),
    ).toEqual([
      {
        name: 'USER',
        args: [ALICE.user],
        line: `USER ${ALICE.user}`,
        state: 'AUTHORIZATION',
        user: null,
        sequence: 1,
        session: 1,
        secure: false,
      },
      {
        name: 'PASS',
        args: ['****'],
        line: 'PASS ****',
        state: 'AUTHORIZATION',
        user: ALICE.user,
        sequence: 2,
        session: 1,
        secure: false,
      },
    ]);
  });

  it('skips the command a reply fault answers: a failed QUIT deletes nothing', async () => {
    const server = await sandbox.server({
      faults: {
        onCommand: ({ name }) =>
          name === 'QUIT'
            ? fault.reply('-ERR [SYS/TEMP] deletes failed', { close: true })
            : undefined,
      },
    });
    const client = await sandbox.loggedIn(server);

    await client.command('DELE 1');
    const quit = await client.command('QUIT');
    await client.closed();
    await server.idle();

    expect(quit).toBe('-ERR [SYS/TEMP] deletes failed');
    expect(server.mailbox.messages).toHaveLength(3);
  });

  it('handles a delayed command normally, after the delay', async () => {
    const server = await sandbox.server({
      faults: { onCommand: ({ name }) => (name === 'STAT' ? fault.delay(60) : undefined) },
    });
    const client = await sandbox.loggedIn(server);
    const started = performance.now();

    client.write('STAT\r\nNOOP\r\n');
    const stat = await client.line();
    const waited = performance.now() - started;
    const noop = await client.line();

    expect(stat).toBe('+OK 3 90');
    expect(noop).toBe('+OK');
    // A lower bound only: it proves the pause happened and cannot flake on a slow machine.
    expect(waited).toBeGreaterThanOrEqual(55);
  });

  it('resets the connection after k bytes of a RETR and deletes nothing', async () => {
    const server = await sandbox.server({
      faults: { onCommand: ({ name }) => (name === 'RETR' ? fault.cutAfter(20) : undefined) },
    });
    const client = await sandbox.loggedIn(server);

    client.write('DELE 1\r\nRETR 2\r\n');
    const received = await client.rest();
    await server.idle();

    expect(received.toString('latin1')).toBe(`+OK Marked to be deleted.\r\n${RETR_2.slice(0, 20)}`);
    expect(server.mailbox.messages).toHaveLength(3);
    expect(server.mailbox.locked).toBe(false);
  });

  it('rewrites the reply of a command, e.g. a UIDL listing with a bogus unique-id', async () => {
    const server = await sandbox.server({
      faults: {
        onCommand: ({ name }) =>
          name === 'UIDL'
            ? fault.rewrite((reply) =>
                Buffer.from(reply.toString('latin1').replace('uid-2', 'uid 2')),
              )
            : undefined,
      },
    });
    const client = await sandbox.loggedIn(server);

    await client.command('UIDL');
    const lines = await client.lines();

    expect(lines).toEqual(['1 uid-1', '2 uid 2', '3 uid-3']);
  });

  it('drops the connection without a reply, with a reset or a graceful close', async () => {
    const server = await sandbox.server({
      faults: {
        onCommand: ({ name }) =>
          name === 'STAT'
            ? fault.drop()
            : name === 'LIST'
              ? fault.drop({ reset: false })
              : undefined,
      },
    });
    const reset = await sandbox.loggedIn(server);
    reset.send('STAT');
    const afterReset = await reset.rest();
    const graceful = await sandbox.loggedIn(server);
    graceful.send('LIST');
    const afterClose = await graceful.rest();

    expect(afterReset).toHaveLength(0);
    expect(afterClose).toHaveLength(0);
  });

  it('goes silent: no reply, the session stays until the client leaves', async () => {
    const server = await sandbox.server({
      faults: { onCommand: ({ name }) => (name === 'NOOP' ? fault.silence() : undefined) },
    });
    const client = await sandbox.loggedIn(server);

    client.write('NOOP\r\nSTAT\r\n');
    client.end();
    const received = await client.rest();
    await server.idle();

    expect(received).toHaveLength(0);
    expect(server.mailbox.locked).toBe(false);
  });
});

describe('sandbox POP3 server: slow and endless replies', () => {
  const sandbox = useSandbox();

  it('drips a reply a byte at a time, paced, when told to', async () => {
    const server = await sandbox.server({
      faults: { onCommand: ({ name }) => (name === 'NOOP' ? fault.drip(20) : undefined) },
    });
    const client = await sandbox.loggedIn(server);
    const started = Date.now();

    const reply = await client.command('NOOP');

    expect(reply).toBe('+OK');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 20 - 5);
    expect(client.chunks.length).toBeGreaterThanOrEqual(5);
  });

  it('streams a reply for as long as the client reads, e.g. a RETR that never ends', async () => {
    let sent = 0;
    const line = Buffer.from(`${'m'.repeat(1022)}\r\n`);
    const endless = async function* () {
      yield Buffer.from('+OK\r\n');
      for (;;) {
        sent += line.length;
        yield line;
      }
    };
    const server = await sandbox.server({
      faults: { onCommand: ({ name }) => (name === 'RETR' ? fault.stream(endless) : undefined) },
    });
    const socket = connect({ host: server.host, port: server.port });
    socket.write(`USER ${ALICE.user}\r\nPASS ${ALICE.password}\r\nRETR 1\r\n`);

    let received = 0;
    for await (const chunk of socket) {
      received += (chunk as Buffer).length;
      if (received > 4 * 1024 * 1024) break;
    }
    socket.destroy();
    await server.idle();

    expect(sent).toBeGreaterThan(4 * 1024 * 1024 - 64 * 1024);
  });
});

describe('sandbox POP3 server: output shaping', () => {
  const sandbox = useSandbox();

  it('writes each reply in the pieces the splitter returns; the bytes are unchanged', async () => {
    const pieces: Buffer[][] = [];
    const recording: ReplySplitter = (reply, command) => {
      const cut = split.lines()(reply, command);
      if (command === 'RETR') pieces.push([...cut]);
      return cut;
    };
    const server = await sandbox.server({ faults: { output: { split: recording, delayMs: 5 } } });
    const client = await sandbox.loggedIn(server);

    client.send('RETR 2');
    client.send('QUIT');
    const received = await client.rest();

    expect(received.toString('latin1')).toBe(`${RETR_2}+OK Logging out, 0 messages deleted.\r\n`);
    expect(pieces[0]?.map((piece) => piece.toString('latin1'))).toContain('.\r\n');
    expect(client.chunks.length).toBeGreaterThan(3);
  });

  it('applies a splitter to chosen commands only', () => {
    const splitter = split.only(['RETR'], split.bytes(2));

    expect(splitter(Buffer.from('+OK\r\n'), 'STAT')).toHaveLength(1);
    expect(splitter(Buffer.from('+OK\r\n'), 'RETR').map(String)).toEqual(['+O', 'K\r', '\n']);
  });
});

describe('split', () => {
  const reply = Buffer.from('+OK 5 octets\r\nabc\r\n.\r\n');

  it('cuts at offsets, negative ones from the end (a terminator split as "." | CRLF)', () => {
    expect(split.at(3, -2)(reply, 'RETR').map(String)).toEqual([
      '+OK',
      ' 5 octets\r\nabc\r\n.',
      '\r\n',
    ]);
  });

  it('cuts a status line in two', () => {
    expect(split.at(6)(reply, 'RETR').map(String)[0]).toBe('+OK 5 ');
  });

  it('makes every line a chunk, so the terminator is exactly ".\\r\\n"', () => {
    expect(split.lines()(reply, 'RETR').map(String)).toEqual([
      '+OK 5 octets\r\n',
      'abc\r\n',
      '.\r\n',
    ]);
  });

  it('cuts into fixed-size pieces and ignores offsets outside the reply', () => {
    expect(
      split
        .bytes(10)(reply, 'RETR')
        .map((piece) => piece.length),
    ).toEqual([10, 10, 2]);
    expect(split.at(0, 99, -99)(reply, 'RETR')).toHaveLength(1);
  });
});
