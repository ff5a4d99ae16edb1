/**
 * What the sandbox server offers, pure: which commands exist in which state (switched off by the
 * capability options) and the CAPA list (RFC 2449) for the current state.
 */
import type { Pop3Capabilities } from './pop3-server-options.js';

/** RFC 1939 §3: the states of a session. */
export type Pop3State = 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE';

export interface Offer {
  readonly capabilities: Pop3Capabilities;
  /** The listener supports STLS at all. */
  readonly starttls: boolean;
  /** STLS is possible now (supported and not yet upgraded). */
  readonly stls: boolean;
}

const AUTHORIZATION: readonly Pop3State[] = ['AUTHORIZATION'];
const TRANSACTION: readonly Pop3State[] = ['TRANSACTION'];
const BOTH: readonly Pop3State[] = ['AUTHORIZATION', 'TRANSACTION'];

const COMMANDS: Readonly<Record<string, readonly Pop3State[]>> = {
  CAPA: BOTH,
  QUIT: BOTH,
  USER: AUTHORIZATION,
  PASS: AUTHORIZATION,
  AUTH: AUTHORIZATION,
  STLS: AUTHORIZATION,
  STAT: TRANSACTION,
  LIST: TRANSACTION,
  UIDL: TRANSACTION,
  RETR: TRANSACTION,
  TOP: TRANSACTION,
  DELE: TRANSACTION,
  RSET: TRANSACTION,
  NOOP: TRANSACTION,
  UTF8: TRANSACTION,
};

const enabled = (name: string, offer: Offer): boolean => {
  const { capa, user, top, uidl, sasl } = offer.capabilities;
  if (name === 'CAPA') return capa;
  if (name === 'USER' || name === 'PASS') return user;
  if (name === 'TOP') return top;
  if (name === 'UIDL') return uidl;
  if (name === 'AUTH') return sasl.length > 0;
  if (name === 'STLS') return offer.starttls;
  if (name === 'UTF8') return offer.capabilities.utf8;
  return true;
};

/** The states a command is valid in; undefined for unknown or switched-off commands. */
export const validStates = (name: string, offer: Offer): readonly Pop3State[] | undefined =>
  enabled(name, offer) ? COMMANDS[name] : undefined;

/** CAPA lines: login mechanisms and STLS only while authorizing. */
export const capabilityLines = (offer: Offer, state: Pop3State): string[] => {
  const caps = offer.capabilities;
  const authorizing = state === 'AUTHORIZATION';
  return [
    ...(caps.top ? ['TOP'] : []),
    ...(caps.user && authorizing ? ['USER'] : []),
    ...(caps.sasl.length > 0 && authorizing ? [`SASL ${caps.sasl.join(' ')}`] : []),
    ...(caps.respCodes ? ['RESP-CODES', 'AUTH-RESP-CODE'] : []),
    ...(caps.pipelining ? ['PIPELINING'] : []),
    ...(caps.uidl ? ['UIDL'] : []),
    ...(caps.utf8 ? ['UTF8 USER'] : []),
    ...(offer.stls && authorizing ? ['STLS'] : []),
    `IMPLEMENTATION ${caps.implementation}`,
  ];
};
