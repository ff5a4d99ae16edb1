/**
 * The top-level `vacation:` block as the rule engine reads it. The config schema
 * (config/config-schema.ts) validates the file into this shape, so the rules need nothing from the
 * config folder: the config composes the rules, never the other way round.
 */
export interface VacationConfig {
  readonly enabled: boolean;
  /** ISO 8601; the vacation starts then. */
  readonly from?: string;
  /** ISO 8601; a date without a time means through the end of that day (vacation-window.ts). */
  readonly until?: string;
  readonly subject: string;
  readonly body: string;
  /** The same sender gets at most one vacation reply in this many days. */
  readonly days: number;
  /** Other addresses of the owner: mail to them counts as addressed to the owner. */
  readonly addresses: readonly string[];
}
