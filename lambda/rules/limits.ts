/**
 * Every bound the rule engine applies to what a config or a message controls, in one place.
 * Patterns come from the owner's config; the text they run on comes from strangers.
 */
export const RULE_LIMITS = {
  /** Longest pattern (glob, regex, literal) a condition may hold. */
  maxPatternLength: 500,
  /** Header values are matched on at most this many characters. */
  maxHeaderMatchLength: 8 * 1024,
  /**
   * Body text is matched on at most this many characters, whatever limits.bodyScanLimit says:
   * the body reader already caps it, this keeps the evaluator bounded on its own.
   */
  maxBodyMatchLength: 16 * 1024 * 1024,
  /**
   * Wall time all rules together may spend on one message. Regexes run in linear time and text is
   * capped, so only a pathological config on a long body comes near; the message is then recorded
   * as failed (nothing sent) and the run goes on. Below the run's smallest fetch reserve (3 s), so
   * one slow message cannot push a run past its deadline.
   */
  maxEvaluationMs: 2_000,
  /** Most recipients one forward action may name. */
  maxForwardRecipients: 20,
  /** Conditions nested deeper than this (all/any/not) are refused at load. */
  maxConditionDepth: 8,
  /** Longest rule name, tag and template. */
  maxNameLength: 100,
  maxTemplateLength: 10_000,
  /** A substituted template value ({{subject}}, {{from}} …) is cut to this many characters. */
  maxTemplateValueLength: 200,
  /** Longest rendered reply subject. */
  maxSubjectLength: 250,
} as const;

/** More Received fields than this means the message is looping; popfwd stops sending. */
export const MAX_RECEIVED_HEADERS = 25;
