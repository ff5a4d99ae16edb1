import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '../../../lambda/cli/command-specs.js';

describe('COMMAND_SPECS', () => {
  it.each(Object.values(COMMAND_SPECS).map((entry) => [entry.name.join(' '), entry] as const))(
    '%s: its entry loads an implementation main can run',
    async (_name, entry) => {
      // Act
      const command = await entry.load();

      // Assess
      expect(command.run).toBeTypeOf('function');
    },
  );

  it('names every command once, so dispatch by words is unambiguous', () => {
    // Prepare
    const names = Object.values(COMMAND_SPECS).map((entry) => entry.name.join(' '));

    // Assess
    expect(new Set(names).size).toBe(names.length);
  });
});
