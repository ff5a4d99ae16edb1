import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../lambda/cli/args.js';
import type { CommandSpec } from '../../../lambda/cli/command-specs.js';
import { isPopfwdError } from '../../../lambda/errors.js';

/** A command with one option of each kind. */
const SPEC = {
  name: ['demo'],
  summary: 'a demo',
  options: {
    config: { type: 'string', short: 'c', value: 'FILE', description: 'a file' },
    every: { type: 'string', value: 'DURATION', default: '5m', description: 'how often' },
    target: { type: 'string', value: 'HOST', required: true, description: 'where' },
    json: { type: 'boolean', description: 'JSON' },
  },
  positionals: [{ name: 'MESSAGE', description: 'a message', required: true }],
} as const satisfies CommandSpec;

const failure = (args: string[]): string => {
  try {
    parseCommandArgs(SPEC, args);
  } catch (error) {
    if (isPopfwdError(error) && error.code === 'EUSAGE') return error.message;
    throw error;
  }
  throw new Error(`parsed: ${args.join(' ')}`);
};

describe('parseCommandArgs', () => {
  it('gives each declared option its value, a default or false', () => {
    const { values, positionals } = parseCommandArgs(SPEC, ['--target', 'h', '-c', 'a.yaml', 'm']);

    expect(values).toEqual({
      config: 'a.yaml',
      every: '5m',
      target: 'h',
      json: false,
      quiet: false,
      verbose: false,
      version: false,
      help: false,
    });
    expect(positionals).toEqual(['m']);
  });

  it('takes --name=value and bundled short flags', () => {
    const { values } = parseCommandArgs(SPEC, ['--target=h', '--every=1h', '-q', 'm']);

    expect(values).toMatchObject({ target: 'h', every: '1h', quiet: true });
  });

  it.each([
    [['--confg', 'x', '--target', 'h', 'm'], 'unknown option --confg; did you mean "--config"?'],
    [['--frobnicate', '--target', 'h', 'm'], 'unknown option --frobnicate\n'],
    [['-x', '--target', 'h', 'm'], 'unknown option -x\n'],
    [['--target', 'h', 'm', '--config'], '--config needs a value: --config FILE'],
    [['--target', 'h', 'm', '--json=yes'], '--json takes no value'],
    [['--target', 'h', '-c', 'a', '-c', 'b', 'm'], '--config is given twice'],
    [['m'], '--target is required'],
    [['--target', 'h'], 'give MESSAGE'],
    [['--target', 'h', 'm', 'n'], 'unexpected argument "n"'],
    [['--target', 'h', '-q', '--verbose', 'm'], '--quiet and --verbose contradict each other'],
  ])('refuses %j: %s', (args, message) => {
    const text = failure(args);

    expect(text).toContain(message);
    expect(text).toMatch(
      /\nusage: popfwd demo \[--config FILE\] \[--every DURATION\] --target HOST \[--json\] MESSAGE$/,
    );
  });

  it('reads what follows -- as positionals, even when it looks like an option', () => {
    const { positionals } = parseCommandArgs(SPEC, ['--target', 'h', '--', '--json']);

    expect(positionals).toEqual(['--json']);
  });
});
