import { describe, expect, it } from 'vitest';
import { PopfwdError } from '../../../lambda/errors.js';
import { classifySendError, stopsSending } from '../../../lambda/smtp/send-errors.js';

/** A nodemailer-shaped error, as SMTPConnection._formatError builds them. */
const smtpError = (fields: {
  code: string;
  response?: string;
  command?: string;
  message?: string;
}) =>
  Object.assign(new Error(fields.message ?? `failed: ${fields.response ?? ''}`), {
    ...fields,
    ...(fields.response ? { responseCode: Number(fields.response.slice(0, 3)) } : {}),
  });

describe('classifySendError', () => {
  it.each([
    [
      'SendAsDenied (Outlook.com, docs/ARCHITECTURE.md §5)',
      '554 5.2.252 SendAsDenied; delightgx46@outlook.com not allowed to send as security@sfb.com; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied',
      'DATA',
      'send-as-denied',
    ],
    [
      'WASCL RefuseQuota (Outlook.com, docs/ARCHITECTURE.md §5)',
      '554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; Failed to process message due to a permanent exception with message [BeginDiagnosticData]WASCL UserAction verdict is not None. Actual verdict is RefuseQuota, ShowTierUpgrade.',
      'DATA',
      'spam-verdict',
    ],
    [
      'WASCL HipNotify (Outlook.com, docs/ARCHITECTURE.md §5)',
      '554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; WASCL UserAction verdict is not None. Actual verdict is HipNotify, ShowTierUpgrade.',
      'DATA',
      'spam-verdict',
    ],
    [
      'basic auth disabled (Outlook.com, docs/ARCHITECTURE.md §5)',
      '535 5.7.139 Authentication unsuccessful, basic authentication is disabled.',
      'AUTH PLAIN',
      'smtp-auth-disabled',
    ],
    [
      'SMTP AUTH disabled for the mailbox (Outlook.com, docs/ARCHITECTURE.md §5)',
      '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox.',
      'AUTH XOAUTH2',
      'smtp-auth-disabled',
    ],
    [
      'other STOREDRV submission refusal',
      '554 5.2.0 STOREDRV.Submission.Exception:StoragePermanentException',
      'DATA',
      'submission-refused',
    ],
    [
      'a refused envelope sender',
      '550 5.7.60 SMTP; Client does not have permissions to send as this sender',
      'MAIL FROM',
      'sender-refused',
    ],
  ])('stops the account on %s', (_name, response, command, reason) => {
    const error = classifySendError(
      smtpError({ code: command.startsWith('AUTH') ? 'EAUTH' : 'EMESSAGE', response, command }),
    );

    expect(error.code).toBe('EACCOUNT');
    expect(error.retryable).toBe(false);
    expect(error.context).toMatchObject({ reason, scope: 'account' });
    expect(stopsSending(error)).toBe(true);
  });

  it('stops the account when the login is refused (Outlook.com: 535 5.7.3)', () => {
    const error = classifySendError(
      smtpError({
        code: 'EAUTH',
        response: '535 5.7.3 Authentication unsuccessful [X.PROD.OUTLOOK.COM]',
        command: 'AUTH XOAUTH2',
      }),
    );

    expect(error.code).toBe('EACCOUNT');
    expect(error.context.reason).toBe('auth-rejected');
  });

  it.each([
    [
      '421 service closing',
      '421 4.3.2 Service not available, closing transmission channel',
      'CONN',
      'connection',
    ],
    ['451 local error', '451 4.3.0 Temporary server error', 'DATA', 'message'],
    ['452 too many recipients', '452 4.5.3 Too many recipients', 'RCPT TO', 'message'],
    [
      '454 temporary auth failure',
      '454 4.7.0 Temporary authentication failure',
      'AUTH PLAIN',
      'message',
    ],
  ])('retries later on %s', (_name, response, command, scope) => {
    const error = classifySendError(
      smtpError({ code: command.startsWith('AUTH') ? 'EAUTH' : 'EENVELOPE', response, command }),
    );

    expect(error.code).toBe('ESEND');
    expect(error.retryable).toBe(true);
    expect(error.context.scope).toBe(scope);
  });

  it.each([
    ['ECONNECTION', 'Connection closed unexpectedly'],
    ['ETIMEDOUT', 'Greeting never received'],
    ['ESOCKET', 'connect ECONNREFUSED 127.0.0.1:587'],
    ['EDNS', 'getaddrinfo ENOTFOUND smtp.example'],
  ])('retries a %s connection failure on the next poll', (code, message) => {
    const error = classifySendError(smtpError({ code, message }));

    expect(error.code).toBe('ESEND');
    expect(error.context.scope).toBe('connection');
    expect(stopsSending(error)).toBe(true);
  });

  it.each([
    [
      '550 5.1.1 user unknown',
      '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown',
      'RCPT TO',
    ],
    ['550 without enhanced code on RCPT', '550 No such user here', 'RCPT TO'],
    [
      '5.1.10 recipient not found',
      '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      'DATA',
    ],
  ])('records %s as a permanent recipient failure', (_name, response, command) => {
    const error = classifySendError(smtpError({ code: 'EENVELOPE', response, command }));

    expect(error.code).toBe('ERECIPIENT');
    expect(error.retryable).toBe(false);
    expect(stopsSending(error)).toBe(false);
  });

  it('records an oversized message as ESIZE', () => {
    const error = classifySendError(
      smtpError({
        code: 'EMESSAGE',
        response: '552 5.3.4 Message size exceeds fixed maximum message size',
        command: 'DATA',
      }),
    );

    expect(error.code).toBe('ESIZE');
  });

  it('records any other 5xx as a permanent failure of this message', () => {
    const error = classifySendError(
      smtpError({
        code: 'EMESSAGE',
        response: '554 5.6.0 Message content rejected',
        command: 'DATA',
      }),
    );

    expect(error.code).toBe('ESYSPERM');
    expect(error.context.scope).toBe('message');
  });

  it('stops sending on a TLS certificate failure', () => {
    const error = classifySendError(
      smtpError({ code: 'ETLS', message: 'self-signed certificate' }),
    );

    expect(error.code).toBe('ETLS');
    expect(stopsSending(error)).toBe(true);
  });

  it('stops sending on the daily submission quota, retryable tomorrow', () => {
    const error = classifySendError(
      smtpError({
        code: 'EMESSAGE',
        response: '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException',
        command: 'DATA',
      }),
    );

    expect(error.code).toBe('ESENDCAP');
    expect(error.retryable).toBe(true);
    expect(stopsSending(error)).toBe(true);
  });

  it('returns our own error found under nodemailer wrapping unchanged', () => {
    const own = new PopfwdError('EINVALIDGRANT', 'the refresh token is no longer valid');
    const wrapped = Object.assign(new Error('no OAuth2 access token for SMTP', { cause: own }), {
      code: 'EAUTH',
    });

    expect(classifySendError(wrapped)).toBe(own);
  });

  it('retries what it does not recognise', () => {
    const error = classifySendError('something odd');

    expect(error.code).toBe('ESEND');
    expect(error.context.reason).toBe('unknown');
  });

  it('keeps the message to one bounded line of the server reply', () => {
    const error = classifySendError(
      smtpError({
        code: 'EMESSAGE',
        response: `554 5.6.0 ${'x'.repeat(1000)}\r\nsecond line`,
        command: 'DATA',
      }),
    );

    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('classifySendError: hints that name the config fix', () => {
  // nodemailer's own shapes: an Error with `code` set by SMTPConnection#_formatError
  const nodemailerError = (message: string, code: string) =>
    Object.assign(new Error(message), { code, command: 'CONN' });

  it.each([
    [
      'C0A7A8F5EE7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number',
      'ESOCKET',
      'ETLS',
      'the SMTP port speaks plain SMTP, not TLS: use smtp.security: starttls',
    ],
    ['self-signed certificate', 'ESOCKET', 'ETLS', 'add mailbox.caFile'],
    [
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1",
      'ESOCKET',
      'ETLS',
      'set smtp.host to a name the certificate lists',
    ],
    [
      'Greeting never received',
      'ETIMEDOUT',
      'ESEND',
      'if the port expects TLS from the first byte (usually 465), use smtp.security: tls',
    ],
  ])('%s', (message, code, expected, hint) => {
    const error = classifySendError(nodemailerError(message, code));

    expect(error.code).toBe(expected);
    expect(error.message).toContain(hint);
    // The library's words are kept after the hint
    expect(error.message).toContain(message.slice(0, 40));
  });
});
