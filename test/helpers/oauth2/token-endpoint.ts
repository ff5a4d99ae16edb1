import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aadError, type InjectedReply } from './aad-replies.js';

export { aadError, type InjectedReply } from './aad-replies.js';

/**
 * A local stand-in for the Microsoft identity platform v2 (`/{tenant}/oauth2/v2.0/{devicecode,token}`)
 * plus an RFC 7662 introspection endpoint (`/introspect`) for Dovecot's oauth2 passdb. Everything
 * it does is under test control and every request is recorded.
 */

export type DevicePollAnswer =
  | 'authorization_pending'
  | 'slow_down'
  | 'approve'
  | 'decline'
  | 'expire'
  | 'bad_verification_code';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly form: Readonly<Record<string, string>>;
}

export interface TokenEndpointOptions {
  /** @default '11111111-2222-3333-4444-555555555555' */
  readonly clientId?: string;
  /** @default 'consumers' */
  readonly tenant?: string;
  /** The account that signs in; introspection reports it as username and email. */
  readonly username?: string;
  /** Access token lifetime in seconds. @default 3599 */
  readonly accessTokenLifetime?: number;
  /** Device-code poll interval in seconds. @default 5 */
  readonly deviceInterval?: number;
  /** @default 900 */
  readonly deviceExpiresIn?: number;
  /** false answers AADSTS7000218, as an app registration without "Allow public client flows". */
  readonly publicClientFlows?: boolean;
}

export interface TokenEndpoint {
  /** Pass as auth.authority. */
  readonly authority: string;
  readonly tenant: string;
  readonly clientId: string;
  readonly username: string;
  /** `http://127.0.0.1:PORT/introspect`, for Dovecot's `introspection_url`. */
  readonly introspectionUrl: string;
  readonly requests: RecordedRequest[];
  /** Answers for the next device-code polls, in order; when none is queued: pending. */
  answerDevicePolls(...answers: DevicePollAnswer[]): void;
  /** A valid refresh token, as if from an earlier sign-in. */
  issueRefreshToken(): string;
  isRefreshTokenValid(token: string): boolean;
  /** Every refresh token so far becomes invalid (password change, revoked consent). */
  revokeRefreshTokens(): void;
  /** false (default): used refresh tokens stay valid, as Microsoft documents; true: single use. */
  invalidateUsedRefreshTokens: boolean;
  /** Lifetime in seconds of the access tokens issued from now on. */
  accessTokenLifetime: number;
  /** Access tokens issued so far, oldest first. */
  readonly accessTokens: readonly string[];
  isAccessTokenActive(token: string): boolean;
  expireAccessTokens(): void;
  /** Replies for the next token or devicecode requests, in order, instead of the normal ones. */
  failNext(...replies: InjectedReply[]): void;
  close(): Promise<void>;
}

const opaque = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (response: ServerResponse, reply: InjectedReply): void => {
  response.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...reply.headers,
  });
  response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
};

interface AccessGrant {
  readonly username: string;
  readonly scope: string;
  expiresAt: number;
}

export const startTokenEndpoint = async (
  options: TokenEndpointOptions = {},
): Promise<TokenEndpoint> => {
  const clientId = options.clientId ?? '11111111-2222-3333-4444-555555555555';
  const tenant = options.tenant ?? 'consumers';
  const username = options.username ?? 'alice@example.test';
  const requests: RecordedRequest[] = [];
  const pollAnswers: DevicePollAnswer[] = [];
  const injected: InjectedReply[] = [];
  const refreshTokens = new Set<string>();
  const accessTokens = new Map<string, AccessGrant>();
  const deviceCodes = new Map<string, { scope: string; done: boolean }>();

  const issueTokens = (scope: string): InjectedReply => {
    const accessToken = opaque('EwA-');
    const lifetime = endpoint.accessTokenLifetime;
    accessTokens.set(accessToken, { username, scope, expiresAt: Date.now() + lifetime * 1000 });
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope,
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    };
    if (scope.split(' ').includes('offline_access')) {
      const refreshToken = opaque('M.C5-');
      refreshTokens.add(refreshToken);
      body.refresh_token = refreshToken;
    }
    return { status: 200, body };
  };

  const checkClient = (form: Record<string, string>): InjectedReply | undefined => {
    if ('client_secret' in form || 'client_assertion' in form) {
      return aadError(
        401,
        'invalid_client',
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
      );
    }
    if (form.client_id !== clientId) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.client_id ?? ''}' was not found in the directory.`,
      );
    }
    if (options.publicClientFlows === false) {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    return undefined;
  };

  const deviceCode = (form: Record<string, string>): InjectedReply => {
    const code = opaque('DAQABAAEAAAD-');
    const userCode = randomBytes(4).toString('hex').toUpperCase();
    deviceCodes.set(code, { scope: form.scope ?? '', done: false });
    const verificationUri = 'https://microsoft.com/devicelogin';
    return {
      status: 200,
      body: {
        user_code: userCode,
        device_code: code,
        verification_uri: verificationUri,
        expires_in: options.deviceExpiresIn ?? 900,
        interval: options.deviceInterval ?? 5,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      },
    };
  };

  const pollError = (error: string, aadsts: number, description: string) =>
    aadError(400, error, aadsts, description);

  const deviceGrant = (form: Record<string, string>): InjectedReply => {
    const pending = deviceCodes.get(form.device_code ?? '');
    if (!pending || pending.done) {
      return pollError('bad_verification_code', 70019, 'Verification code not recognised.');
    }
    const answer = pollAnswers.shift() ?? 'authorization_pending';
    if (answer === 'approve') {
      pending.done = true;
      return issueTokens(pending.scope);
    }
    if (answer === 'decline' || answer === 'expire') pending.done = true;
    const texts: Record<Exclude<DevicePollAnswer, 'approve'>, [number, string]> = {
      authorization_pending: [70016, 'OAuth 2.0 device flow error. Authorization is pending.'],
      slow_down: [70016, 'Polling too often; slow down.'],
      decline: [70020, 'The user declined the authorization request.'],
      expire: [70019, 'Verification code expired.'],
      bad_verification_code: [70019, 'Verification code not recognised.'],
    };
    const [aadsts, description] = texts[answer];
    const error =
      answer === 'decline'
        ? 'authorization_declined'
        : answer === 'expire'
          ? 'expired_token'
          : answer;
    return pollError(error, aadsts, description);
  };

  const refreshGrant = (form: Record<string, string>): InjectedReply => {
    const token = form.refresh_token ?? '';
    if (!refreshTokens.has(token)) {
      return aadError(
        400,
        'invalid_grant',
        70000,
        "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
      );
    }
    if (endpoint.invalidateUsedRefreshTokens) refreshTokens.delete(token);
    return issueTokens(form.scope ?? 'offline_access');
  };

  const introspect = (request: IncomingMessage, form: Record<string, string>): InjectedReply => {
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = form.token ?? bearer ?? '';
    const grant = accessTokens.get(token);
    if (!grant || grant.expiresAt <= Date.now()) return { status: 200, body: { active: false } };
    return {
      status: 200,
      body: {
        active: true,
        username: grant.username,
        email: grant.username,
        sub: grant.username,
        client_id: clientId,
        scope: grant.scope,
        token_type: 'Bearer',
        exp: Math.floor(grant.expiresAt / 1000),
      },
    };
  };

  const route = (request: IncomingMessage, form: Record<string, string>): InjectedReply => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/introspect') return introspect(request, form);
    const match = /^\/([^/]+)\/oauth2\/v2\.0\/(devicecode|token)$/.exec(path);
    if (!match || request.method !== 'POST') return { status: 404, body: undefined };
    const failure = injected.shift();
    if (failure) return failure;
    if (match[1] !== tenant) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${match[1]}' not found.`);
    }
    const refused = checkClient(form);
    if (refused) return refused;
    if (match[2] === 'devicecode') return deviceCode(form);
    if (form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code')
      return deviceGrant(form);
    if (form.grant_type === 'refresh_token') return refreshGrant(form);
    return aadError(
      400,
      'unsupported_grant_type',
      70003,
      'The app requested an unsupported grant type.',
    );
  };

  const server = createServer((request, response) => {
    readBody(request).then(
      (text) => {
        const form = Object.fromEntries(new URLSearchParams(text));
        requests.push({
          method: request.method ?? '',
          path: new URL(request.url ?? '/', 'http://localhost').pathname,
          headers: request.headers,
          form,
        });
        send(response, route(request, form));
      },
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const authority = `http://127.0.0.1:${port}`;

  const endpoint: TokenEndpoint = {
    authority,
    tenant,
    clientId,
    username,
    introspectionUrl: `${authority}/introspect`,
    requests,
    invalidateUsedRefreshTokens: false,
    accessTokenLifetime: options.accessTokenLifetime ?? 3599,
    answerDevicePolls: (...answers) => {
      pollAnswers.push(...answers);
    },
    issueRefreshToken: () => {
      const token = opaque('M.C5-');
      refreshTokens.add(token);
      return token;
    },
    isRefreshTokenValid: (token) => refreshTokens.has(token),
    revokeRefreshTokens: () => refreshTokens.clear(),
    get accessTokens() {
      return [...accessTokens.keys()];
    },
    isAccessTokenActive: (token) => (accessTokens.get(token)?.expiresAt ?? 0) > Date.now(),
    expireAccessTokens: () => {
      for (const grant of accessTokens.values()) grant.expiresAt = 0;
    },
    failNext: (...replies) => {
      injected.push(...replies);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return endpoint;
};
