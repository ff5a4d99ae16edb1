import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RULES = fileURLToPath(new URL('../../../lambda/rules/', import.meta.url));

/** Every module specifier a file names: static imports, re-exports and dynamic imports. */
const specifiers = (text: string): string[] =>
  [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((match) => match[1] as string);

describe('the rules folder', () => {
  it('imports nothing from the config folder, types included: the config composes the rules', () => {
    // Prepare
    const files = readdirSync(RULES).filter((name) => name.endsWith('.ts'));

    // Act
    const reaching = files.flatMap((name) =>
      specifiers(readFileSync(join(RULES, name), 'utf8'))
        .filter((specifier) => specifier.startsWith('../config/'))
        .map((specifier) => `${name}: ${specifier}`),
    );

    // Assess
    expect(files.length).toBeGreaterThan(10);
    expect(reaching).toEqual([]);
  });
});
