import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lambda/config/parse.js';
import { PRESET_NAMES, PRESETS } from '../../../lambda/config/presets.js';

const problems = (preset: string): string => {
  try {
    parseConfig({ mailbox: { address: 'alice@example.com', preset } }, 'test.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`preset ${preset} was accepted`);
};

describe('mailbox.preset', () => {
  it('accepts exactly the presets that are defined, and lists them when refusing another', () => {
    // Act
    const message = problems('gmail');

    // Assess
    expect(PRESET_NAMES).toEqual(Object.keys(PRESETS));
    expect(message).toContain(`mailbox.preset: expected one of: ${PRESET_NAMES.join(', ')}`);
  });

  it.each(['toString', 'constructor', '__proto__'])(
    'treats %s, a name every object has, as an unknown preset that fills in nothing',
    (name) => {
      // Act
      const message = problems(name);

      // Assess: the same problems as any unknown name, no invented server fields
      expect(message.replace(name, 'X')).toBe(problems('gmail').replace('gmail', 'X'));
      expect(message).not.toContain('mailbox.smtp');
    },
  );
});
