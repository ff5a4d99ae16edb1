import { errorMessage, isPopfwdError, PopfwdError } from '../../errors.js';

/** What the SDK puts on a failed request (S3ServiceException and its subclasses). */
interface ServiceFailure {
  readonly name?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

const failure = (error: unknown): ServiceFailure =>
  typeof error === 'object' && error !== null ? (error as ServiceFailure) : {};

const statusOf = (error: unknown): number | undefined => failure(error).$metadata?.httpStatusCode;

/** 412: the condition (If-None-Match / If-Match) did not hold. */
export const isPreconditionFailed = (error: unknown): boolean =>
  failure(error).name === 'PreconditionFailed' || statusOf(error) === 412;

/** 409: another conditional write to the key was in flight; S3 asks to retry. */
export const isConditionalConflict = (error: unknown): boolean =>
  failure(error).name === 'ConditionalRequestConflict' || statusOf(error) === 409;

export const isNoSuchKey = (error: unknown): boolean => failure(error).name === 'NoSuchKey';

const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
]);
const NEVER_RETRYABLE = new Set(['CredentialsProviderError', 'TypeError']);

/** Server faults, throttling, conflicts and lost connections pass with time; client faults do not. */
const isRetryable = (error: unknown): boolean => {
  const { name = '', $fault } = failure(error);
  const status = statusOf(error);
  if (THROTTLING.has(name) || isConditionalConflict(error) || status === 429 || status === 408) {
    return true;
  }
  if ($fault !== undefined) return $fault === 'server';
  if (status !== undefined) return status >= 500;
  return !NEVER_RETRYABLE.has(name);
};

/**
 * Wraps an SDK failure as ESTORE (or `code`). The SDK error itself is not kept as the cause: some
 * carry the request's access key id and string-to-sign, which must not reach logs.
 */
export const s3Error = (
  error: unknown,
  operation: string,
  bucket: string,
  key: string,
  code: 'ESTORE' | 'ECONFLICT' = 'ESTORE',
): PopfwdError => {
  if (isPopfwdError(error)) return error;
  const { name = 'Error', $metadata } = failure(error);
  const status = $metadata?.httpStatusCode;
  const cause = Object.assign(new Error(errorMessage(error)), { name });
  const described = status === undefined ? name : `${name} (${status})`;
  return new PopfwdError(code, `S3 ${operation} s3://${bucket}/${key} failed: ${described}`, {
    cause,
    ...(code === 'ESTORE' && { retryable: isRetryable(error) }),
    context: { operation, bucket, key, status, code: name, requestId: $metadata?.requestId },
  });
};
