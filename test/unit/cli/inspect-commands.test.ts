import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../lambda/cli/args.js';
import { COMMAND_SPECS } from '../../../lambda/cli/command-specs.js';
import { runCli } from '../../helpers/cli/cli.js';

describe('status, resend and run --dry-run on the command line', () => {
  it('takes any number of ids after resend, and --failed', () => {
    // Act
    const none = parseCommandArgs(COMMAND_SPECS.resend, ['--failed']);
    const three = parseCommandArgs(COMMAND_SPECS.resend, ['m1', '-c', 'x.yaml', 'm2', 'abc']);

    // Assess
    expect(none.positionals).toEqual([]);
    expect(none.values.failed).toBe(true);
    expect(three.positionals).toEqual(['m1', 'm2', 'abc']);
    expect(three.values).toMatchObject({ config: 'x.yaml', failed: false });
  });

  it('explains each command and its options in --help', async () => {
    // Act
    const status = await runCli(['status', '--help'], '/');
    const resend = await runCli(['help', 'resend'], '/');
    const run = await runCli(['run', '--help'], '/');

    // Assess
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('popfwd status [--config FILE] [--json]');
    expect(status.stdout).toContain('read-only');
    expect(resend.code).toBe(0);
    expect(resend.stdout).toContain('popfwd resend [--config FILE] [--failed] [--json] [ID…]');
    expect(run.stdout).toContain('--dry-run');
  });

  it('refuses a positional after status and a misspelt --dry-run, with exit code 2', async () => {
    // Act
    const extra = await runCli(['status', 'now'], '/');
    const typo = await runCli(['run', '--dryrun'], '/');

    // Assess
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "now"');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--dry-run');
  });
});
