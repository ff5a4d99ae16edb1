import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Config } from '../../../lambda/config/config-schema.js';
import { parseConfig } from '../../../lambda/config/parse.js';
import { mailboxLayout } from '../../../lambda/engine/layout.js';
import type { StatusReport } from '../../../lambda/engine/status-report.js';
import { openSecretStore } from '../../../lambda/secrets/open-secrets.js';
import { createLocalStore } from '../../../lambda/stores/local/local-store.js';
import { runCli } from '../../helpers/cli/cli.js';
import { describeWithDovecot } from '../../helpers/dovecot/dovecot-suite.js';
import { runMailbox } from '../../helpers/engine-run.js';
import { memoryLog } from '../../helpers/memory-log.js';
import {
  configDocument,
  MAILBOX_USER,
  type OAuth2Mailbox,
  startOAuth2Mailbox,
} from '../../helpers/oauth2/oauth2-mailbox.js';

describeWithDovecot('the refresh token rotation in `popfwd status`', () => {
  let mailbox: OAuth2Mailbox;
  let dir: string;
  let config: Config;
  let configFile: string;

  beforeEach(async () => {
    mailbox = await startOAuth2Mailbox();
    dir = await mkdtemp(join(tmpdir(), 'popfwd-rotation-status-'));
    const tokenFile = join(dir, 'secrets', 'refresh-token');
    await openSecretStore().write({ file: tokenFile }, mailbox.endpoint.issueRefreshToken());
    const document = configDocument(mailbox, {
      auth: { method: 'oauth2', refreshToken: { file: tokenFile } },
      store: { dir: join(dir, 'data') },
    });
    config = parseConfig(document, 'rotation test config').config;
    configFile = join(dir, 'popfwd.yaml');
    await writeFile(configFile, stringify(document));
  });
  afterEach(async () => {
    await mailbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is recorded by a poll that finds nothing new, and shown with when it happened', async () => {
    // Prepare
    const before = Date.now();
    const empty = await runMailbox({
      config,
      store: createLocalStore(join(dir, 'data')),
      secrets: openSecretStore({ env: {} }),
      log: memoryLog(),
      deadline: Date.now() + 120_000,
    });

    // Act
    const json = await runCli(['status', '--config', configFile, '--json'], dir);
    const text = await runCli(['status', '--config', configFile], dir);

    // Assess
    expect(empty).toMatchObject({ fetched: 0, failed: 0 });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(Date.parse(report.refreshTokenRotatedAt ?? '')).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
    expect(report.runs).toEqual([expect.objectContaining({ outcome: 'ok', fetched: 0 })]);
    expect(text.stdout).toMatch(/refresh token last rotated: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('is not written again by an empty poll within a day of the one recorded', async () => {
    // Prepare
    const poll = () =>
      runMailbox({
        config,
        store: createLocalStore(join(dir, 'data')),
        secrets: openSecretStore({ env: {} }),
        log: memoryLog(),
        deadline: Date.now() + 120_000,
      });
    await poll();
    const stateFile = join(dir, 'data', mailboxLayout(MAILBOX_USER).stateKey);
    const before = await readFile(stateFile, 'utf8');
    const tokensBefore = mailbox.endpoint.accessTokens.length;

    // Act
    const second = await poll();

    // Assess: it did refresh (and rotate) the token, and left the state as it was
    expect(second).toMatchObject({ fetched: 0, failed: 0 });
    expect(mailbox.endpoint.accessTokens.length).toBe(tokensBefore + 1);
    expect(await readFile(stateFile, 'utf8')).toBe(before);
  });
});
