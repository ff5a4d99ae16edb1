import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../lambda/auth/credentials.js';
import type { Security } from '../../../lambda/config/config-schema.js';
import { silentLog } from '../../../lambda/log.js';
import {
  SMTP_TIMEOUTS,
  smtpTimeouts,
  smtpTransportOptions,
} from '../../../lambda/smtp/smtp-mailer.js';
import { XOAUTH2_HANDLER_NAME } from '../../../lambda/smtp/smtp-xoauth2.js';
import { fixedClock } from '../../helpers/fixed-clock.js';
import { TLS_PATHS } from '../../helpers/tls-fixtures.js';

const password: Credentials = { kind: 'password', user: 'alice@example.test', password: 'pw' };

const optionsFor = (security: Security, extra: { ca?: string; credentials?: Credentials } = {}) =>
  smtpTransportOptions({
    smtp: { host: 'smtp-mail.outlook.com', port: 587, security },
    credentials: extra.credentials ?? password,
    log: silentLog,
    ...(extra.ca ? { ca: extra.ca } : {}),
  });

describe('smtpTransportOptions', () => {
  it.each([
    ['starttls', { secure: false, requireTLS: true, ignoreTLS: false }],
    ['tls', { secure: true, requireTLS: false, ignoreTLS: false }],
    ['plain', { secure: false, requireTLS: false, ignoreTLS: true }],
  ] as const)('maps security %s to the TLS switches', (security, expected) => {
    expect(optionsFor(security)).toMatchObject(expected);
  });

  it('verifies certificates, needs TLS 1.2 and checks the host name', () => {
    expect(optionsFor('starttls').tls).toEqual({
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      servername: 'smtp-mail.outlook.com',
    });
  });

  it('sends no server name for an IP address host (RFC 6066 §3), still verifying the certificate', () => {
    const tls = smtpTransportOptions({
      smtp: { host: '127.0.0.1', port: 587, security: 'starttls' },
      credentials: password,
      log: silentLog,
    }).tls;

    expect(tls).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });

  it('trusts an extra CA through a secure context, never a `ca` list that would replace the system roots', () => {
    const tls = optionsFor('starttls', { ca: readFileSync(TLS_PATHS.ca, 'utf8') }).tls;

    expect(tls?.secureContext).toBeDefined();
    expect(tls).not.toHaveProperty('ca');
  });

  it('keeps one connection, never requeues a message itself and bounds every wait', () => {
    expect(optionsFor('starttls')).toMatchObject({
      pool: true,
      maxConnections: 1,
      maxRequeues: 0,
      connectionTimeout: SMTP_TIMEOUTS.connectionMs,
      greetingTimeout: SMTP_TIMEOUTS.greetingMs,
      socketTimeout: SMTP_TIMEOUTS.socketMs,
      transactionLog: true,
      debug: false,
    });
  });

  it('cuts every timeout to the time left before the run deadline, and closes sockets at once', () => {
    const options = smtpTransportOptions({
      smtp: { host: 'smtp-mail.outlook.com', port: 587, security: 'starttls' },
      credentials: password,
      log: silentLog,
      deadline: 1_004_000,
      clock: fixedClock(1_000_000),
    });

    expect(options).toMatchObject({
      connectionTimeout: 4_000,
      greetingTimeout: 4_000,
      socketTimeout: 4_000,
      dnsTimeout: 4_000,
      socketCloseTimeout: 0,
    });
  });

  it('never passes 0 (nodemailer reads it as its default of minutes) when the deadline has passed', () => {
    expect(smtpTimeouts(1_000, 5_000)).toEqual({
      connectionMs: 1,
      greetingMs: 1,
      socketMs: 1,
      dnsMs: 1,
    });
    expect(smtpTimeouts(undefined, 5_000)).toEqual(SMTP_TIMEOUTS);
  });

  it('logs in with XOAUTH2 through the renewing handler for OAuth2 credentials', () => {
    const tokens = { getAccessToken: async () => ({ token: 't', expiresAt: 0 }) };
    const options = optionsFor('starttls', {
      credentials: { kind: 'oauth2', user: 'alice@example.test', tokens },
    });

    expect(options.auth).toEqual({
      type: 'custom',
      method: XOAUTH2_HANDLER_NAME,
      user: 'alice@example.test',
    });
    expect(Object.keys(options.customAuth ?? {})).toEqual([XOAUTH2_HANDLER_NAME]);
  });
});
