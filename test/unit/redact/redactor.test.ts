import { describe, expect, it } from 'vitest';
import { PopfwdError } from '../../../lambda/errors.js';
import { plainPayload, xoauth2Payload } from '../../../lambda/pop3/sasl.js';
import { redactingLog } from '../../../lambda/redact/redacting-log.js';
import { REDACTED, Redactor } from '../../../lambda/redact/redactor.js';
import { memoryLog } from '../../helpers/memory-log.js';
import { findLeaks } from '../../helpers/secrets/secret-scan.js';

const USER = 'alice@example.test';
const PASSWORD = 'c0rrect-Horse+battery/staple';
const TOKEN = 'EwBwA8l6BAAURSN/FHlDW5xN74t6GIjsQ+4Wa2DCqNl3wSB_long.access-token~value';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('Redactor', () => {
  const redactor = new Redactor().addPassword(USER, PASSWORD).addAccessToken(USER, TOKEN);

  it.each([
    ['the password itself', `-ERR [AUTH] wrong password "${PASSWORD}"`],
    ['the password URL-encoded', `error=bad&pw=${encodeURIComponent(PASSWORD)}`],
    ['the password form-encoded', new URLSearchParams({ pw: PASSWORD }).toString()],
    ['the decoded PLAIN payload', `-ERR bad login \0${USER}\0${PASSWORD}`],
    ['the PLAIN payload in base64', `-ERR cannot decode ${plainPayload(USER, PASSWORD)}`],
    ['the LOGIN base64 of the password', `535 5.7.8 ${base64(PASSWORD)} rejected`],
    ['the access token', `535 5.7.3 token ${TOKEN} expired`],
    ['the XOAUTH2 payload in base64', `-ERR ${xoauth2Payload(USER, TOKEN)}`],
    [
      'the decoded XOAUTH2 payload',
      `-ERR got user=${USER}\x01auth=Bearer ${TOKEN}\x01\x01 from you`,
    ],
    ['the password in base64 inside other text', `-ERR ${base64(`PASS ${PASSWORD}\r\n`)}`],
  ])('masks %s', (_name, text) => {
    const masked = redactor.redact(text);

    expect(masked).toContain(REDACTED);
    expect(findLeaks({ password: PASSWORD, token: TOKEN }, { masked })).toEqual([]);
  });

  it('masks a whole SASL payload, not only the secret inside it', () => {
    expect(redactor.redact(`-ERR ${plainPayload(USER, PASSWORD)} is wrong`)).toBe(
      `-ERR ${REDACTED} is wrong`,
    );
  });

  it('leaves text without a secret unchanged', () => {
    const text = '-ERR [AUTH] Authentication failed. 535 5.7.3 Authentication unsuccessful';

    expect(redactor.redact(text)).toBe(text);
  });

  it('masks a short secret only as a whole word, never inside other words or numbers', () => {
    const short = new Redactor().addPassword(USER, 'mail');
    const pin = new Redactor().addPassword(USER, '1234');

    expect(short.redact('-ERR wrong password "mail"')).toBe(`-ERR wrong password "${REDACTED}"`);
    expect(short.redact('-ERR mail')).toBe(`-ERR ${REDACTED}`);
    expect(short.redact('the mailbox has mail2 and email')).toBe('the mailbox has mail2 and email');
    expect(pin.redact('+OK 12345 octets, password 1234.')).toBe(
      `+OK 12345 octets, password ${REDACTED}.`,
    );
  });

  it('masks secrets that hold regular expression characters literally', () => {
    const odd = new Redactor().add('a.b*c(d)[e]$f\\g|h');

    expect(odd.redact('x a.b*c(d)[e]$f\\g|h y aXbbc')).toBe(`x ${REDACTED} y aXbbc`);
  });

  it('learns secrets after it was first used', () => {
    const learning = new Redactor();
    expect(learning.redact(`token ${TOKEN}`)).toBe(`token ${TOKEN}`);

    learning.addAccessToken(USER, TOKEN);

    expect(learning.redact(`token ${TOKEN}`)).toBe(`token ${REDACTED}`);
  });

  it('masks a SASL challenge inside its base64 and keeps it decodable', () => {
    const short = new Redactor().addPassword(USER, 'pw1');
    const challenge = base64(JSON.stringify({ status: '401', echo: 'pw1' }));

    const masked = short.redactBase64(challenge);

    expect(JSON.parse(Buffer.from(masked, 'base64').toString('utf8'))).toEqual({
      status: '401',
      echo: REDACTED,
    });
    expect(short.redactBase64(base64('{"status":"401"}'))).toBe(base64('{"status":"401"}'));
  });

  it('masks log fields deeply and keeps their shape', () => {
    const fields = { error: `bad ${PASSWORD}`, list: [TOKEN, 3], nested: { ok: true, n: 1 } };

    expect(redactor.redactValue(fields)).toEqual({
      error: `bad ${REDACTED}`,
      list: [REDACTED, 3],
      nested: { ok: true, n: 1 },
    });
  });

  it('masks an error in place: message, stack, context and causes; class and code kept', () => {
    const cause = Object.assign(new Error(`535 ${PASSWORD}`), { response: `535 ${PASSWORD}` });
    const error = new PopfwdError('EAUTH', `refused: ${TOKEN}`, {
      cause,
      context: { response: `-ERR ${PASSWORD}` },
    });

    const masked = redactor.redactError(error);

    expect(masked).toBe(error);
    expect(masked.code).toBe('EAUTH');
    expect(masked.message).toBe(`refused: ${REDACTED}`);
    expect(masked.stack).not.toContain(TOKEN);
    expect(masked.context).toEqual({ response: `-ERR ${REDACTED}` });
    expect(cause.message).toBe(`535 ${REDACTED}`);
    expect(cause.response).toBe(`535 ${REDACTED}`);
  });
});

describe('redactingLog', () => {
  it('masks messages, fields and child fields before the sink sees them', () => {
    const redactor = new Redactor().addPassword(USER, PASSWORD);
    const sink = memoryLog();
    const log = redactingLog(sink, redactor).child({ greeting: `+OK ${PASSWORD}` });

    log.warn(`S: -ERR ${PASSWORD}`, { reply: `-ERR ${base64(PASSWORD)}` });

    expect(sink.records).toEqual([
      {
        level: 'warn',
        message: `S: -ERR ${REDACTED}`,
        fields: { greeting: `+OK ${REDACTED}`, reply: `-ERR ${REDACTED}` },
      },
    ]);
  });
});
