import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLambdaLogger, powertoolsLog } from '../../../lambda/aws/powertools-log.js';
import { captureStdoutJson } from '../../helpers/aws/stdout.js';

describe('powertoolsLog', () => {
  let stdout: ReturnType<typeof captureStdoutJson>;

  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    stdout = captureStdoutJson();
  });

  afterEach(() => {
    stdout.restore();
    vi.unstubAllEnvs();
  });

  it('writes JSON lines keyed by mailbox, with the fields given', () => {
    // Prepare
    const log = powertoolsLog(createLambdaLogger('alice@example.com'));

    // Act
    log.info('run finished', { fetched: 2 });

    // Assess
    expect(stdout.lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'run finished',
        service: 'popfwd',
        mailbox: 'alice@example.com',
        fetched: 2,
      }),
    ]);
  });

  it('adds the uidl to every line of a child, and not to the parent', () => {
    // Prepare
    const log = powertoolsLog(createLambdaLogger('alice@example.com'));

    // Act
    log.child({ uidl: '000001a' }).info('parsed');
    log.info('next');

    // Assess
    const [childLine, parentLine] = stdout.lines();
    expect(childLine).toMatchObject({ mailbox: 'alice@example.com', uidl: '000001a' });
    expect(parentLine).toMatchObject({ mailbox: 'alice@example.com' });
    expect(parentLine).not.toHaveProperty('uidl');
  });

  it('takes its level from POWERTOOLS_LOG_LEVEL', () => {
    // Prepare
    const quiet = powertoolsLog(createLambdaLogger('alice@example.com'));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const verbose = powertoolsLog(createLambdaLogger('alice@example.com'));

    // Act
    quiet.debug('hidden');
    verbose.debug('shown');

    // Assess
    expect(stdout.lines().map((line) => line.message)).toEqual(['shown']);
  });
});
