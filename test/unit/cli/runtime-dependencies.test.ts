import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/** Packages a file loads at run time: static and dynamic imports, not `import type`. */
const packagesOf = (text: string): string[] => {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'([^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
};

describe('the installed package', () => {
  it('lists every package its code loads under dependencies, not devDependencies', () => {
    const used = new Map<string, string>();
    for (const file of sources(join(ROOT, 'lambda'))) {
      for (const name of packagesOf(readFileSync(file, 'utf8'))) {
        if (!builtinModules.includes(name)) used.set(name, file.slice(ROOT.length));
      }
    }

    const missing = [...used].filter(([name]) => !(name in manifest.dependencies));
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(5);
  });

  it('does not make users install the CDK, which only the deploy step from a clone needs', () => {
    expect(Object.keys(manifest.dependencies)).not.toContain('aws-cdk-lib');
    expect(Object.keys(manifest.dependencies)).not.toContain('constructs');
    expect(manifest.devDependencies).toHaveProperty('aws-cdk-lib');
  });
});
