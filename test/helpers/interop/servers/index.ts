/** Every server of the interop matrix, in report order. */
import type { ServerDefinition } from '../types.js';
import { courier } from './courier.js';
import { cyrus } from './cyrus.js';
import { dovecot } from './dovecot.js';
import { mailutils } from './mailutils.js';
import { popa3d } from './popa3d.js';
import { solidPop3d } from './solid-pop3d.js';

export const INTEROP_SERVERS: readonly ServerDefinition[] = [
  dovecot,
  mailutils,
  courier,
  cyrus,
  popa3d,
  solidPop3d,
];
