import { type ParseArgsConfig, parseArgs } from 'node:util';
import { didYouMean } from '../did-you-mean.js';
import { PopfwdError } from '../errors.js';
import { type CommandSpec, usageOf } from './command-specs.js';
import { GLOBAL_OPTIONS, type OptionSpecs, type OptionValues } from './option-spec.js';

export interface ParsedArgs<O extends OptionSpecs> {
  readonly values: OptionValues<O & typeof GLOBAL_OPTIONS>;
  readonly positionals: readonly string[];
}

const usageError = (spec: CommandSpec, message: string): PopfwdError =>
  new PopfwdError('EUSAGE', `${message}\nusage: popfwd ${usageOf(spec)}`);

/** The node:util configuration for a command's options: type, short letter, default. */
const parserOptions = (options: OptionSpecs): NonNullable<ParseArgsConfig['options']> =>
  Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.short ? { short: option.short } : {}),
        ...(option.repeatable ? { multiple: true } : {}),
        // A flag not given is false, not undefined; a repeatable option not given is [].
        default:
          option.default ??
          (option.type === 'boolean' ? false : option.repeatable ? [] : undefined),
      },
    ]),
  );

/** `--confg` → `--config`; a one-letter option is too short to guess from. */
const suggestion = (raw: string, options: OptionSpecs): string =>
  raw.startsWith('--')
    ? didYouMean(
        raw,
        Object.keys(options).map((name) => `--${name}`),
      )
    : '';

/**
 * Parses a command's arguments by its spec (plus -q, -v, --version, --help). Every mistake is
 * EUSAGE (exit code 2) with the usage line: an unknown option (with the closest known one), an
 * option without its value, a value given to a flag, an option given twice (unless repeatable), a missing required
 * option or positional, an extra positional.
 */
export const parseCommandArgs = <S extends CommandSpec>(
  spec: S,
  args: readonly string[],
): ParsedArgs<S['options']> => {
  const options: OptionSpecs = { ...GLOBAL_OPTIONS, ...spec.options };
  const { values, positionals, tokens } = parseArgs({
    args: [...args],
    options: parserOptions(options),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const given = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (!option) {
      throw usageError(
        spec,
        `unknown option ${token.rawName}${suggestion(token.rawName, options)}`,
      );
    }
    if (option.type === 'string' && token.value === undefined) {
      throw usageError(spec, `--${token.name} needs a value: --${token.name} ${option.value}`);
    }
    if (option.type === 'boolean' && token.value !== undefined) {
      throw usageError(spec, `--${token.name} takes no value`);
    }
    if (given.has(token.name) && !option.repeatable)
      throw usageError(spec, `--${token.name} is given twice`);
    given.add(token.name);
  }
  for (const [name, option] of Object.entries(options)) {
    if (option.required && values[name] === undefined) {
      throw usageError(spec, `--${name} is required`);
    }
  }
  const expected = spec.positionals ?? [];
  const missing = expected.filter(
    (positional, index) => positional.required && positionals[index] === undefined,
  );
  if (missing.length > 0) {
    throw usageError(spec, `give ${missing.map((positional) => positional.name).join(' ')}`);
  }
  const extra = expected.at(-1)?.variadic ? [] : positionals.slice(expected.length);
  if (extra.length > 0) throw usageError(spec, `unexpected argument "${extra[0]}"`);
  if (values.quiet && values.verbose) {
    throw usageError(spec, '--quiet and --verbose contradict each other; give one');
  }
  return { values: values as ParsedArgs<S['options']>['values'], positionals };
};
