import { setTimeout as delay } from 'node:timers/promises';
import { PopfwdError } from '../errors.js';
import type { Log } from '../log.js';
import { parseErrorReply, type TokenErrorReply } from './token-errors.js';

/** The part of `fetch` popfwd uses; tests inject their own. */
export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;
/** Resolves after `ms`; rejects when `signal` aborts. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export const abortableSleep: SleepFn = (ms, signal) =>
  delay(ms, undefined, signal ? { signal } : {});

export interface TransportOptions {
  readonly fetch: FetchFn;
  readonly sleep: SleepFn;
  readonly log: Log;
  /** Per request. @default 30_000 */
  readonly timeoutMs?: number;
  /** Network errors, HTTP 5xx and 429 are retried up to this many attempts in all. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff: base, 2×base, 4×base …, or the server's Retry-After, capped. @default 1_000 */
  readonly retryBaseDelayMs?: number;
  /** @default 30_000 */
  readonly maxRetryDelayMs?: number;
}

export type TokenReply =
  | { readonly ok: true; readonly body: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly error: TokenErrorReply };

export interface PostOptions {
  /** Values in the form that must never appear in an error (tokens, device codes). */
  readonly secrets: readonly string[];
  readonly signal?: AbortSignal;
}

const MAX_BODY_CHARS = 64 * 1024;

const aborted = (cause: unknown) =>
  new PopfwdError('EABORTED', 'the sign-in request was cancelled', { cause });

const networkReason = (cause: unknown, timeoutMs: number): string => {
  if ((cause as Error)?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const code = ((cause as Error)?.cause as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (cause as Error)?.message ?? String(cause);
};

const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

const retryAfterMs = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
};

type Attempt =
  | { readonly done: TokenReply }
  | { readonly retry: PopfwdError; readonly retryAfterMs?: number };

/**
 * POSTs forms to the token endpoint: a timeout per request, bounded retries with backoff for
 * network errors, 5xx and 429, and replies parsed into success bodies or explained errors.
 */
export const createTokenTransport = (options: TransportOptions) => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const baseDelayMs = options.retryBaseDelayMs ?? 1_000;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;

  const attempt = async (
    url: string,
    form: Readonly<Record<string, string>>,
    post: PostOptions,
  ): Promise<Attempt> => {
    const host = new URL(url).host;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
        signal: post.signal ? AbortSignal.any([post.signal, timeout]) : timeout,
      });
      text = (await response.text()).slice(0, MAX_BODY_CHARS);
    } catch (cause) {
      if (post.signal?.aborted) throw aborted(cause);
      const reason = networkReason(cause, timeoutMs);
      return {
        retry: new PopfwdError('EOAUTH', `cannot reach the token endpoint ${host}: ${reason}`, {
          cause,
          retryable: true,
          context: { host, reason },
        }),
      };
    }

    const body = parseJson(text);
    if (response.status >= 500 || response.status === 429) {
      const error = parseErrorReply(response.status, body ?? {}, post.secrets);
      const label = error.aadsts === undefined ? '' : `, AADSTS${error.aadsts}`;
      const wait = retryAfterMs(response);
      return {
        retry: new PopfwdError(
          'EOAUTH',
          `the token endpoint ${host} is unavailable (HTTP ${response.status}${label})`,
          { retryable: true, context: { host, status: response.status, aadsts: error.aadsts } },
        ),
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      };
    }
    if (response.ok && body) return { done: { ok: true, body } };
    if (response.ok) {
      throw new PopfwdError(
        'EOAUTH',
        `the token endpoint ${host} answered without a JSON body: check auth.authority`,
        { retryable: false, context: { host, status: response.status } },
      );
    }
    return {
      done: { ok: false, error: parseErrorReply(response.status, body ?? {}, post.secrets) },
    };
  };

  return {
    async post(
      url: string,
      form: Readonly<Record<string, string>>,
      post: PostOptions,
    ): Promise<TokenReply> {
      for (let number = 1; ; number++) {
        const result = await attempt(url, form, post);
        if ('done' in result) return result.done;
        if (number >= maxAttempts) {
          throw new PopfwdError(
            'EOAUTH',
            `${result.retry.message}; gave up after ${maxAttempts} attempts, try again later`,
            { cause: result.retry.cause, retryable: true, context: result.retry.context },
          );
        }
        const delayMs = Math.min(
          maxDelayMs,
          result.retryAfterMs ?? baseDelayMs * 2 ** (number - 1),
        );
        options.log.warn('token endpoint failed; retrying', {
          attempt: number,
          delayMs,
          reason: result.retry.message,
        });
        try {
          await options.sleep(delayMs, post.signal);
        } catch (cause) {
          throw aborted(cause);
        }
      }
    },
  };
};

export type TokenTransport = ReturnType<typeof createTokenTransport>;
