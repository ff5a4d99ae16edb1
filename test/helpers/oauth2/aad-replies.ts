import { randomUUID } from 'node:crypto';

/** A canned HTTP reply of the token endpoint. */
export interface InjectedReply {
  readonly status: number;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error reply the way Entra ID writes it (error_codes, Trace ID lines and all). */
export const aadError = (
  status: number,
  error: string,
  aadsts: number | undefined,
  description: string,
): InjectedReply => {
  const traceId = randomUUID();
  const prefix = aadsts === undefined ? '' : `AADSTS${aadsts}: `;
  return {
    status,
    body: {
      error,
      error_description: `${prefix}${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: 2026-11-26 10:00:00Z`,
      error_codes: aadsts === undefined ? [] : [aadsts],
      timestamp: '2026-11-26 10:00:00Z',
      trace_id: traceId,
      correlation_id: randomUUID(),
      error_uri: 'https://login.microsoftonline.com/error',
    },
  };
};
