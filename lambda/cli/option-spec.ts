import { PopfwdError } from '../errors.js';
import { parseDuration } from '../units.js';

/**
 * How a command-line option is declared: once, and that one declaration drives the parser, the
 * help text and the check for required options.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's placeholder in usage and help, e.g. FILE. */
  readonly value?: string;
  readonly description: string;
  readonly required?: boolean;
  readonly default?: string;
  /** A string option that may be given several times: its values in order, [] when absent. */
  readonly repeatable?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A word after the options, e.g. the MESSAGE.eml of `rules test`. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** The last positional may repeat: `resend ID…`. */
  readonly variadic?: boolean;
}

/** What parsing gives a command for each of its options. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K] extends { readonly repeatable: true }
      ? readonly string[]
      : O[K] extends { readonly required: true } | { readonly default: string }
        ? string
        : string | undefined;
};

/** Options every command takes; main handles --help and --version before a command loads. */
export const GLOBAL_OPTIONS = {
  quiet: {
    type: 'boolean',
    short: 'q',
    description: 'only warnings, errors and what was asked for (--json); no progress, no summary',
  },
  verbose: {
    type: 'boolean',
    short: 'v',
    description: 'debug log lines (commands, decisions; never secrets) and the causes of an error',
  },
  version: { type: 'boolean', description: "print popfwd's version" },
  help: { type: 'boolean', short: 'h', description: 'this help' },
} as const satisfies OptionSpecs;

export const CONFIG_OPTION = {
  type: 'string',
  short: 'c',
  value: 'FILE',
  description:
    'the config file (YAML or JSON); default: $POPFWD_CONFIG, else $XDG_CONFIG_HOME/popfwd/config.yaml (~/.config/popfwd/config.yaml)',
} as const satisfies OptionSpec;

/** `run` and `watch`: several mailboxes, one config each. */
export const CONFIGS_OPTION = {
  ...CONFIG_OPTION,
  value: 'FILE|DIR',
  repeatable: true,
  description:
    'a config file (YAML or JSON) or a directory of them (every *.yaml, *.yml, *.json, sorted); repeat for several mailboxes, run one after another; default: $POPFWD_CONFIG (a file or a directory), else $XDG_CONFIG_HOME/popfwd/config.yaml (~/.config/popfwd/config.yaml)',
} as const satisfies OptionSpec;

export const JSON_OPTION = {
  type: 'boolean',
  description: 'print one JSON object instead of text',
} as const satisfies OptionSpec;

export const DEADLINE_OPTION = {
  type: 'string',
  value: 'DURATION',
  description:
    'finish (QUIT sent, state saved) within this time, e.g. 90s or 4m; at most limits.runTimeout (default 10m)',
} as const satisfies OptionSpec;

/** --deadline's value in milliseconds (undefined when not given); EUSAGE for anything else. */
export const deadlineFlag = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms === 0)
    throw new PopfwdError('EUSAGE', `--deadline expects a duration like 4m or 90s, got "${value}"`);
  return ms;
};

/** How an option may be written: `['--help', '-h']`. */
export const spellings = (name: string, spec: OptionSpec): string[] =>
  spec.short ? [`--${name}`, `-${spec.short}`] : [`--${name}`];

/** `--config, -c FILE` as help and usage show it. */
export const optionLabel = (name: string, spec: OptionSpec): string =>
  `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
