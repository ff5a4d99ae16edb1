import { describe, expect, it } from 'vitest';
import type { Pop3Credentials } from '../../../../lambda/cli/sandbox/pop3-server.js';
import { ALICE, useSandbox } from './server-fixture.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const plain = (user: string, password: string): string => b64(`\0${user}\0${password}`);
const xoauth2 = (user: string, token: string): string =>
  b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`);

describe('sandbox POP3 server: USER/PASS', () => {
  const sandbox = useSandbox();

  it('logs in with a password that contains spaces (PASS takes the rest of the line)', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const user = await client.command(`USER ${ALICE.user}`);
    const pass = await client.command(`PASS ${ALICE.password}`);

    expect([user, pass]).toEqual(['+OK', '+OK Logged in.']);
  });

  it('answers a wrong password with -ERR [AUTH] and stays in AUTHORIZATION', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    await client.command(`USER ${ALICE.user}`);
    const refused = await client.command('PASS wrong');
    const stat = await client.command('STAT');

    expect(refused).toBe('-ERR [AUTH] Authentication failed.');
    expect(stat).toBe('-ERR Command not valid in this state.');
  });

  it('refuses PASS without USER', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    expect(await client.command(`PASS ${ALICE.password}`)).toBe('-ERR No username given.');
  });

  it('treats USER as unknown when USER login is switched off', async () => {
    const server = await sandbox.server({ capabilities: { user: false } });
    const client = await sandbox.client(server);
    await client.line();

    const user = await client.command(`USER ${ALICE.user}`);
    await client.command('CAPA');
    const capabilities = await client.lines();

    expect(user).toBe('-ERR Unknown command.');
    expect(capabilities).not.toContain('USER');
  });
});

describe('sandbox POP3 server: AUTH PLAIN', () => {
  const sandbox = useSandbox();

  it('accepts an initial response', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const reply = await client.command(`AUTH PLAIN ${plain(ALICE.user, ALICE.password)}`);

    expect(reply).toBe('+OK Logged in.');
    expect(server.commands()).toEqual(['AUTH PLAIN ****']);
  });

  it('sends an empty "+ " challenge and accepts the response on the next line', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const challenge = await client.command('AUTH PLAIN');
    const reply = await client.command(plain(ALICE.user, ALICE.password));

    expect(challenge).toBe('+ ');
    expect(reply).toBe('+OK Logged in.');
    expect(server.commands()).toEqual(['AUTH PLAIN', '****']);
  });

  it('refuses a wrong password, a "*" cancel, bad base64 and the "=" empty response', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const replies = [
      await client.command(`AUTH PLAIN ${plain(ALICE.user, 'wrong')}`),
      await client.command('AUTH PLAIN'),
      await client.command('*'),
      await client.command('AUTH PLAIN not~base64'),
      await client.command('AUTH PLAIN ='),
    ];

    expect(replies).toEqual([
      '-ERR [AUTH] Authentication failed.',
      '+ ',
      '-ERR Authentication cancelled.',
      '-ERR Invalid base64 data in SASL response.',
      '-ERR [AUTH] Authentication failed.',
    ]);
  });

  it('lists the mechanisms for a bare AUTH and refuses unknown ones', async () => {
    const server = await sandbox.server({ capabilities: { sasl: ['PLAIN'] } });
    const client = await sandbox.client(server);
    await client.line();

    const listStatus = await client.command('AUTH');
    const mechanisms = await client.lines();
    const unknown = await client.command('AUTH XOAUTH2');

    expect(listStatus).toBe('+OK');
    expect(mechanisms).toEqual(['PLAIN']);
    expect(unknown).toBe('-ERR Unsupported authentication mechanism.');
  });

  it('offers no AUTH at all when no SASL mechanism is configured', async () => {
    const server = await sandbox.server({ capabilities: { sasl: [] } });
    const client = await sandbox.client(server);
    await client.line();

    const auth = await client.command('AUTH PLAIN');
    await client.command('CAPA');
    const capabilities = await client.lines();

    expect(auth).toBe('-ERR Unknown command.');
    expect(capabilities.some((line) => line.startsWith('SASL'))).toBe(false);
  });
});

describe('sandbox POP3 server: AUTH XOAUTH2', () => {
  const sandbox = useSandbox();

  it('logs in two-step like Outlook: AUTH XOAUTH2, "+ ", then the base64 payload', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const challenge = await client.command('AUTH XOAUTH2');
    const reply = await client.command(xoauth2(ALICE.user, ALICE.accessToken));

    expect(challenge).toBe('+ ');
    expect(reply).toBe('+OK Logged in.');
  });

  it('accepts the payload as an initial response too', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const reply = await client.command(`AUTH XOAUTH2 ${xoauth2(ALICE.user, ALICE.accessToken)}`);

    expect(reply).toBe('+OK Logged in.');
  });

  it('answers a bad token with "+ <base64 JSON 401>", then -ERR once the client sends an empty line', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    await client.command('AUTH XOAUTH2');
    const failure = await client.command(xoauth2(ALICE.user, 'expired-token'));
    const final = await client.command('');

    expect(failure).toMatch(/^\+ [A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(failure.slice(2), 'base64').toString())).toMatchObject({
      status: '401',
      schemes: 'bearer',
    });
    expect(final).toBe('-ERR [AUTH] Authentication failed.');
    expect(server.commands()).toEqual(['AUTH XOAUTH2', '****', '']);
    expect(JSON.stringify(server.transcript)).not.toContain('expired-token');
  });

  it('refuses a password as a token and a token as a password', async () => {
    const server = await sandbox.server();
    const client = await sandbox.client(server);
    await client.line();

    const tokenLogin = await client.command(`AUTH XOAUTH2 ${xoauth2(ALICE.user, ALICE.password)}`);
    await client.command('');
    const passwordLogin = await client.command(
      `AUTH PLAIN ${plain(ALICE.user, ALICE.accessToken)}`,
    );

    expect(tokenLogin).toMatch(/^\+ /);
    expect(passwordLogin).toBe('-ERR [AUTH] Authentication failed.');
  });
});

describe('sandbox POP3 server: custom authenticator', () => {
  const sandbox = useSandbox();

  it('hands every mechanism the credentials it decoded', async () => {
    const seen: Pop3Credentials[] = [];
    const server = await sandbox.server({
      authenticate: (credentials) => {
        seen.push(credentials);
        return false;
      },
    });
    const client = await sandbox.client(server);
    await client.line();

    await client.command('USER u1');
    await client.command('PASS p1');
    await client.command(`AUTH PLAIN ${plain('u2', 'p2')}`);
    await client.command(`AUTH XOAUTH2 ${xoauth2('u3', 't3')}`);
    await client.command('');

    expect(seen).toEqual([
      { mechanism: 'USER', user: 'u1', password: 'p1' },
      { mechanism: 'PLAIN', user: 'u2', password: 'p2' },
      { mechanism: 'XOAUTH2', user: 'u3', accessToken: 't3' },
    ]);
  });

  it('answers [SYS/TEMP] when the authenticator throws', async () => {
    const server = await sandbox.server({
      authenticate: () => {
        throw new Error('directory down');
      },
    });
    const client = await sandbox.client(server);
    await client.line();

    await client.command('USER u');
    const reply = await client.command('PASS p');

    expect(reply).toBe('-ERR [SYS/TEMP] Authentication service unavailable.');
  });
});
