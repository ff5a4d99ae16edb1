import { describe, expect, it } from 'vitest';
import { explainTokenError, parseErrorReply } from '../../../lambda/auth/token-errors.js';

const reply = (error: string, aadsts?: number, description = 'Something went wrong.') =>
  parseErrorReply(
    400,
    {
      error,
      error_description: `${aadsts === undefined ? '' : `AADSTS${aadsts}: `}${description}\r\nTrace ID: 1\r\nCorrelation ID: 2`,
      error_codes: aadsts === undefined ? [] : [aadsts],
    },
    [],
  );

describe('parseErrorReply', () => {
  it('keeps the first line of the description and the AADSTS code', () => {
    // Act
    const parsed = reply('invalid_grant', 70000, 'The refresh token is not valid.');

    // Assess
    expect(parsed).toEqual({
      status: 400,
      error: 'invalid_grant',
      description: 'AADSTS70000: The refresh token is not valid.',
      aadsts: 70000,
    });
  });

  it('masks values popfwd sent if the server ever echoes them', () => {
    const parsed = parseErrorReply(
      400,
      { error: 'invalid_request', error_description: 'bad refresh_token M.C5-secret-token here' },
      ['M.C5-secret-token'],
    );

    expect(parsed.description).toBe('bad refresh_token [redacted] here');
  });

  it('masks them URL-encoded and in base64 too, and in the error code itself', () => {
    const token = 'M.C5/secret+token=value';
    const parsed = parseErrorReply(
      400,
      {
        error: `invalid_request:${token}`,
        error_description: `got ${encodeURIComponent(token)} and ${Buffer.from(token).toString('base64')}`,
      },
      [token],
    );

    expect(parsed.error).toBe('invalid_request:[redacted]');
    expect(parsed.description).toBe('got [redacted] and [redacted]');
  });

  it('finds the AADSTS code in the text when error_codes is absent', () => {
    const parsed = parseErrorReply(
      401,
      { error: 'invalid_client', error_description: 'AADSTS7000218: x' },
      [],
    );

    expect(parsed.aadsts).toBe(7000218);
  });

  it('names a reply without an OAuth error by its HTTP status', () => {
    expect(parseErrorReply(404, {}, []).error).toBe('http_404');
  });
});

describe('explainTokenError', () => {
  it('turns invalid_grant into EINVALIDGRANT that says how to sign in again', () => {
    const error = explainTokenError(reply('invalid_grant', 70000));

    expect(error.code).toBe('EINVALIDGRANT');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'the refresh token is no longer valid (it expired, was revoked, the password was changed, or it was unused for 90 days) (AADSTS70000): sign in again with `popfwd auth login --config FILE`',
    );
  });

  it.each([
    [700082, 'not used for 90 days'],
    [50173, 'password was changed or reset'],
    [65001, 'no consent'],
  ])('names the reason for invalid_grant AADSTS%i', (aadsts, reason) => {
    const error = explainTokenError(reply('invalid_grant', aadsts));

    expect(error.code).toBe('EINVALIDGRANT');
    expect(error.message).toContain(reason);
    expect(error.message).toContain('popfwd auth login --config FILE');
  });

  it.each([
    ['invalid_client', 7000218, '"Allow public client flows" to Yes'],
    ['invalid_client', 700025, 'popfwd never sends one'],
    ['invalid_request', 50059, 'set auth.tenant to consumers'],
    ['invalid_request', 90002, 'set auth.tenant to consumers'],
    ['consent_required', 65001, 'offline_access, POP.AccessAsUser.All and SMTP.Send'],
    ['invalid_request', 50020, 'Personal Microsoft accounts only'],
    ['unauthorized_client', 700016, 'check the Application (client) ID'],
    ['invalid_scope', 70011, 'outlook.office.com, not outlook.office365.com'],
    ['invalid_request', 9002331, 'needs auth.tenant: consumers'],
  ])('explains %s AADSTS%i with its fix', (oauthError, aadsts, fix) => {
    const error = explainTokenError(reply(oauthError, aadsts));

    expect(error.code).toBe('EOAUTH');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(fix);
    expect(error.message).toContain(`AADSTS${aadsts}`);
    expect(error.context).toMatchObject({ aadsts });
  });

  it("explains the 'userAudience' mismatch, which comes without an AADSTS code", () => {
    const error = explainTokenError(
      reply(
        'invalid_request',
        undefined,
        "The request is not valid for the application's 'userAudience' configuration. In order to use /common/ endpoint, the application must not be configured with 'Consumer' as the user audience.",
      ),
    );

    expect(error.message).toContain('needs auth.tenant: consumers');
  });

  it.each([
    ['authorization_declined', 'the sign-in was declined'],
    ['expired_token', 'the code expired'],
    ['bad_verification_code', 'did not recognise the device code'],
  ])('ends the device flow on %s with what to do next', (oauthError, says) => {
    const error = explainTokenError(reply(oauthError, 70019));

    expect(error.code).toBe('EOAUTH');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(says);
    expect(error.message).toContain('popfwd auth login');
  });

  it('marks temporarily_unavailable as retryable', () => {
    expect(explainTokenError(reply('temporarily_unavailable')).retryable).toBe(true);
  });

  it('points at the authority when the reply is not an OAuth error at all', () => {
    const error = explainTokenError(parseErrorReply(404, {}, []));

    expect(error.message).toContain('check auth.authority and auth.tenant');
  });

  it('passes unknown errors on with Microsoft’s first line', () => {
    const error = explainTokenError(
      reply('invalid_request', 900144, "The request body must contain 'x'."),
    );

    expect(error.message).toBe(
      "the token endpoint refused the request (invalid_request, HTTP 400): AADSTS900144: The request body must contain 'x'.",
    );
  });
});
