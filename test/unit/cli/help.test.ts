import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '../../../lambda/cli/command-specs.js';
import { runCli } from '../../helpers/cli.js';

describe('popfwd help', () => {
  it('lists every command with its usage and exits 0 for --help', async () => {
    // Act
    const { code, stdout } = await runCli(['--help'], process.cwd());

    // Assess
    expect(code).toBe(0);
    for (const spec of Object.values(COMMAND_SPECS)) expect(stdout).toContain(spec.usage);
    expect(stdout).toContain('Exit codes: 0 ok, 1 run failed, 2 bad usage or bad config.');
  });

  it('exits 2 with the help when no command is given', async () => {
    // Act
    const { code, stdout } = await runCli([], process.cwd());

    // Assess
    expect(code).toBe(2);
    expect(stdout).toContain('usage: popfwd <command> [options]');
  });

  it.each(Object.values(COMMAND_SPECS).map((spec) => [spec.name.join(' '), spec] as const))(
    'explains every option of %s',
    async (name, spec) => {
      // Act
      const { code, stdout } = await runCli([...spec.name, '--help'], process.cwd());

      // Assess
      expect(code, name).toBe(0);
      expect(stdout).toContain(`usage: popfwd ${spec.usage}`);
      for (const [option, description] of spec.options) {
        expect(stdout).toMatch(new RegExp(`^  ${literal(option)} +${literal(description)}$`, 'm'));
      }
    },
  );

  it('documents every option the usage line names', () => {
    for (const spec of Object.values(COMMAND_SPECS)) {
      const named = spec.usage.match(/--[a-z]+/g) ?? [];
      const documented = spec.options.map(([option]) => option).join(' ');
      for (const option of named) expect(documented, spec.usage).toContain(option);
    }
  });
});

const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
