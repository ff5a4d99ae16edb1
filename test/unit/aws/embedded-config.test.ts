import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EMBEDDED_CONFIG_SOURCE,
  embedConfig,
  readEmbeddedConfig,
} from '../../../lambda/aws/embedded-config.js';
import type { LoadedConfig } from '../../../lambda/config/parse.js';

const READER = fileURLToPath(new URL('../../../lambda/aws/embedded-config.ts', import.meta.url));

const DOCUMENT = {
  mailbox: {
    address: 'alice@example.com',
    preset: 'outlook',
    auth: {
      clientId: '00000000-1111-2222-3333-444444444444',
      refreshToken: { ssm: '/popfwd/alice/refresh-token' },
    },
  },
  store: { s3: { bucket: 'popfwd-archive-example', prefix: 'alice/' } },
  vacation: { enabled: true, body: 'Away until "January"\n\u2014 Alice' },
};

describe('readEmbeddedConfig', () => {
  it('fails with ECONFIG when nothing was embedded at bundle time', () => {
    // Act
    const read = () => readEmbeddedConfig();

    // Assess
    expect(read).toThrow(expect.objectContaining({ code: 'ECONFIG' }));
  });

  describe('in a bundle built with embedConfig', () => {
    let dir: string;
    let loaded: LoadedConfig;

    beforeAll(async () => {
      // Prepare: bundle the reader as the CDK app does (esbuild define), then load the bundle
      dir = await mkdtemp(join(tmpdir(), 'popfwd-embed-'));
      const entry = join(dir, 'entry.ts');
      await writeFile(entry, `export { readEmbeddedConfig } from ${JSON.stringify(READER)};`);
      const outfile = join(dir, 'bundle.mjs');
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        define: embedConfig(DOCUMENT),
        logLevel: 'silent',
      });
      const bundle = (await import(pathToFileURL(outfile).href)) as {
        readEmbeddedConfig: typeof readEmbeddedConfig;
      };

      // Act
      loaded = bundle.readEmbeddedConfig();
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads back the embedded document, quotes and newlines intact', () => {
      // Assess
      expect(loaded.source).toBe(EMBEDDED_CONFIG_SOURCE);
      expect(loaded.config.mailbox.address).toBe('alice@example.com');
      expect(loaded.config.vacation?.body).toBe(DOCUMENT.vacation.body);
    });

    it('validates it again, presets included, as the CLI would', () => {
      // Assess
      expect(loaded.config.mailbox.pop3.host).toBe('outlook.office365.com');
      expect(loaded.config.store).toEqual({
        s3: expect.objectContaining({ bucket: 'popfwd-archive-example', prefix: 'alice/' }),
      });
    });
  });
});
