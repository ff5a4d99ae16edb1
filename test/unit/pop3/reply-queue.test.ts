import { describe, expect, it } from 'vitest';
import { buildCommand, type WireCommand } from '../../../lambda/pop3/command.js';
import { ReplyQueue, type Tracked } from '../../../lambda/pop3/reply-queue.js';

interface Recorded extends Tracked {
  readonly failures: Error[];
}

const handler = (verb: string, pipelinable: boolean): Recorded => {
  const failures: Error[] = [];
  return {
    kind: 'single',
    verb,
    pipelinable,
    failures,
    onStatus: () => {},
    fail: (error) => failures.push(error),
  };
};

/** Queues `verbs` (a trailing `*` marks a pipelinable one) and returns their handlers. */
const queued = (queue: ReplyQueue, ...verbs: string[]): Recorded[] =>
  verbs.map((spec) => {
    const verb = spec.replace('*', '');
    const tracked = handler(verb, spec.endsWith('*'));
    queue.add(buildCommand(verb), tracked);
    return tracked;
  });

/** Every command `next` lets out now, by verb. */
const writable = (queue: ReplyQueue, pipelining: boolean, maxInFlight = 100): string[] => {
  const verbs: string[] = [];
  for (
    let next = queue.next(pipelining, maxInFlight);
    next;
    next = queue.next(pipelining, maxInFlight)
  )
    verbs.push(next.command.verb);
  return verbs;
};

describe('ReplyQueue', () => {
  it('lets one command out at a time without pipelining, the next once its reply is complete', () => {
    // Prepare
    const queue = new ReplyQueue();
    queued(queue, 'STAT*', 'LIST*', 'UIDL*');

    // Act
    const first = writable(queue, false);
    queue.complete();
    const second = writable(queue, false);

    // Assess
    expect(first).toEqual(['STAT']);
    expect(second).toEqual(['LIST']);
    expect(queue.head?.verb).toBe('LIST');
    expect(queue.outstanding).toBe(1);
  });

  it('writes pipelinable commands ahead of their replies, up to the window', () => {
    // Prepare
    const queue = new ReplyQueue();
    queued(queue, 'RETR*', 'RETR*', 'RETR*', 'RETR*');

    // Act
    const written = writable(queue, true, 3);

    // Assess
    expect(written).toEqual(['RETR', 'RETR', 'RETR']);
    expect(queue.outstanding).toBe(3);
    queue.complete();
    expect(writable(queue, true, 3)).toEqual(['RETR']);
  });

  it('holds a command that may change the session until every earlier reply is in', () => {
    // Prepare: QUIT must not overtake the DELEs whose replies are still coming
    const queue = new ReplyQueue();
    queued(queue, 'DELE*', 'DELE*', 'QUIT', 'NOOP*');

    // Act
    const beforeReplies = writable(queue, true);
    queue.complete();
    const afterOne = writable(queue, true);
    queue.complete();
    const afterBoth = writable(queue, true);

    // Assess: QUIT goes out alone, and nothing pipelines behind it
    expect(beforeReplies).toEqual(['DELE', 'DELE']);
    expect(afterOne).toEqual([]);
    expect(afterBoth).toEqual(['QUIT']);
    expect(writable(queue, true)).toEqual([]);
  });

  it('counts the greeting as outstanding before any command is written', () => {
    // Prepare
    const queue = new ReplyQueue();
    queue.track(handler('greeting', false));
    queued(queue, 'CAPA');

    // Act
    const early = writable(queue, false);
    queue.complete();

    // Assess
    expect(early).toEqual([]);
    expect(writable(queue, false)).toEqual(['CAPA']);
  });

  it('fails the unwritten commands it is told to, sparing the rest in their order', () => {
    // Prepare: the closing stretch before a deadline spares only QUIT
    const queue = new ReplyQueue();
    queue.track(handler('greeting', false));
    const [stat, quit, noop] = queued(queue, 'STAT', 'QUIT', 'NOOP') as [
      Recorded,
      Recorded,
      Recorded,
    ];

    // Act
    queue.failWaiting(
      (command: WireCommand) => command.verb === 'QUIT',
      (verb) => new Error(`${verb} was not sent`),
    );
    queue.complete();

    // Assess
    expect(stat.failures.map((error) => error.message)).toEqual(['STAT was not sent']);
    expect(noop.failures.map((error) => error.message)).toEqual(['NOOP was not sent']);
    expect(quit.failures).toEqual([]);
    expect(writable(queue, false)).toEqual(['QUIT']);
  });

  it('hands over everything on failure: replies in flight first, then unwritten commands', () => {
    // Prepare
    const queue = new ReplyQueue();
    queued(queue, 'RETR*', 'RETR*', 'QUIT');
    writable(queue, true);

    // Act
    const taken = queue.takeAll();

    // Assess
    expect(taken.map((tracked) => `${tracked.verb}${tracked.pipelinable ? '*' : ''}`)).toEqual([
      'RETR*',
      'RETR*',
      'QUIT',
    ]);
    expect(queue.outstanding).toBe(0);
    expect(queue.head).toBeUndefined();
    expect(writable(queue, true)).toEqual([]);
  });
});
