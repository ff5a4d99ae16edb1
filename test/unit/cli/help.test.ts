import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../lambda/cli/args.js';
import {
  COMMAND_SPECS,
  type CommandSpec,
  GROUPS,
  usageOf,
} from '../../../lambda/cli/command-specs.js';
import { EXIT_MEANINGS } from '../../../lambda/cli/exit-codes.js';
import { GLOBAL_OPTIONS, optionLabel } from '../../../lambda/cli/option-spec.js';
import { runCli } from '../../helpers/cli/cli.js';

const SPECS = Object.values(COMMAND_SPECS);
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('popfwd help', () => {
  it('lists every command with its usage, the shared options and the exit codes', async () => {
    // Act
    const { code, stdout } = await runCli(['--help'], process.cwd());

    // Assess
    expect(code).toBe(0);
    expect(stdout.startsWith(`popfwd ${VERSION} — `)).toBe(true);
    for (const spec of SPECS) expect(stdout).toContain(`  ${usageOf(spec)}\n      ${spec.summary}`);
    for (const [name, option] of Object.entries(GLOBAL_OPTIONS)) {
      expect(stdout).toMatch(
        new RegExp(
          `^  ${literal(optionLabel(name, option))} +${literal(option.description)}$`,
          'm',
        ),
      );
    }
    for (const [exit, meaning] of Object.entries(EXIT_MEANINGS)) {
      expect(stdout).toMatch(new RegExp(`^  ${exit} +${literal(meaning)}$`, 'm'));
    }
    expect(stdout).toContain('else $POPFWD_CONFIG, else $XDG_CONFIG_HOME/popfwd/config.yaml');
  });

  it('answers popfwd help and popfwd help help with the same help as --help', async () => {
    const flag = await runCli(['--help'], process.cwd());

    expect(await runCli(['help'], process.cwd())).toEqual(flag);
    expect(await runCli(['help', 'help'], process.cwd())).toEqual(flag);
  });

  it('suggests the command for popfwd help with a typo, and exits 2', async () => {
    const result = await runCli(['help', 'config', 'chek'], process.cwd());

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean "config check"?');
  });

  it('exits 2 with the help when no command is given', async () => {
    // Act
    const { code, stdout } = await runCli([], process.cwd());

    // Assess
    expect(code).toBe(2);
    expect(stdout).toContain('usage: popfwd <command> [options]');
  });

  it.each(SPECS.map((spec) => [spec.name.join(' '), spec] as const))(
    'explains every option of %s, from the same declaration the parser uses',
    async (name, spec) => {
      // Act
      const viaFlag = await runCli([...spec.name, '--help'], process.cwd());
      const viaHelp = await runCli(['help', ...spec.name], process.cwd());
      const short = await runCli([...spec.name, '-h'], process.cwd());

      // Assess
      expect(viaFlag.code, name).toBe(0);
      expect(viaHelp).toEqual(viaFlag);
      expect(short).toEqual(viaFlag);
      expect(viaFlag.stdout).toContain(`usage: popfwd ${usageOf(spec)}`);
      for (const [option, declared] of Object.entries({ ...spec.options, ...GLOBAL_OPTIONS })) {
        expect(viaFlag.stdout).toMatch(
          new RegExp(
            `^  ${literal(optionLabel(option, declared))} +${literal(declared.description)}$`,
            'm',
          ),
        );
      }
    },
  );

  it.each(Object.keys(GROUPS))('explains the %s commands with --help and help', async (group) => {
    // Act
    const viaFlag = await runCli([group, '--help'], process.cwd());
    const viaHelp = await runCli(['help', group], process.cwd());
    const bare = await runCli([group], process.cwd());

    // Assess
    expect(viaFlag.code).toBe(0);
    expect(viaHelp).toEqual(viaFlag);
    expect(viaFlag.stdout).toContain(`usage: popfwd ${group} <command> [options]`);
    const members = SPECS.filter((spec) => spec.name[0] === group);
    expect(members.length).toBeGreaterThan(0);
    for (const spec of members) expect(viaFlag.stdout).toContain(usageOf(spec));
    expect(bare).toMatchObject({ code: 2, stdout: '', stderr: viaFlag.stdout });
  });

  it('lists the same exit codes in the README as in --help', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

    for (const [exit, meaning] of Object.entries(EXIT_MEANINGS)) {
      const sentence = meaning.replace(/^./, (first) => first.toUpperCase());
      expect(readme).toMatch(new RegExp(`^\\| ${exit} +\\| ${literal(sentence)} +\\|`, 'm'));
    }
  });
});

describe('popfwd --version, -q and -v on every command', () => {
  it.each([[[]], ...SPECS.map((spec) => [[...spec.name]])])(
    'popfwd %j --version prints the version and exits 0',
    async (words) => {
      // Act
      const result = await runCli([...words, '--version'], process.cwd());

      // Assess
      expect(result).toEqual({ code: 0, stdout: `popfwd ${VERSION}\n`, stderr: '' });
    },
  );

  it.each(SPECS.map((spec) => [spec.name.join(' '), spec] as const))(
    '%s takes -q, --quiet, -v and --verbose, but not -q with -v',
    (_name, spec) => {
      // Prepare: what the command needs besides
      const options = Object.entries((spec as CommandSpec).options).filter(
        ([, option]) => option.required,
      );
      const needed = [
        ...options.flatMap(([name]) => [`--${name}`, 'value']),
        ...((spec as CommandSpec).positionals?.map(() => 'message.eml') ?? []),
      ];
      const parse = (...flags: string[]) => parseCommandArgs(spec, [...flags, ...needed]).values;

      // Act / Assess
      expect(parse('-q')).toMatchObject({ quiet: true, verbose: false });
      expect(parse('--quiet')).toMatchObject({ quiet: true, verbose: false });
      expect(parse('-v')).toMatchObject({ quiet: false, verbose: true });
      expect(parse('--verbose')).toMatchObject({ quiet: false, verbose: true });
      expect(() => parse('-qv')).toThrow('--quiet and --verbose contradict each other');
    },
  );
});
