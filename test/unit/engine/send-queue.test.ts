import { describe, expect, it } from 'vitest';
import { type QueuedMessage, SendQueue } from '../../../lambda/engine/send-queue.js';

/** Places are message numbers; here a, b, c … are messages 1, 2, 3 … unless told. */
const placeOf = (uidl: string) => uidl.charCodeAt(0) - 96;
const message = (uidl: string, id = `id-${uidl}`, place = placeOf(uidl)): QueuedMessage => ({
  id,
  uidl,
  record: null,
  place,
});

/** Takes everything the queue hands out until it ends. */
const drain = async (queue: SendQueue): Promise<string[]> => {
  const taken: string[] = [];
  for await (const item of queue.take()) taken.push(item.uidl);
  return taken;
};

describe('SendQueue', () => {
  it('hands messages out in the order their places were reserved, whatever order they finish in', async () => {
    const queue = new SendQueue();
    for (const place of [1, 2, 3]) queue.reserve(place);
    const taken = drain(queue);

    queue.push(message('c'));
    queue.settle(3);
    queue.push(message('a'));
    queue.settle(1);
    queue.push(message('b'));
    queue.settle(2);
    queue.close();

    expect(await taken).toEqual(['a', 'b', 'c']);
  });

  it('skips a reserved place settled without sends, without waiting for later ones', async () => {
    const queue = new SendQueue();
    queue.reserve(1);
    queue.reserve(2);
    const iterator = queue.take();
    const first = iterator.next();

    queue.settle(1);
    queue.push(message('b'));

    expect((await first).value).toMatchObject({ uidl: 'b' });
  });

  it('waits for the head of the queue before handing out a later message', async () => {
    const queue = new SendQueue();
    queue.reserve(1);
    queue.reserve(2);
    queue.push(message('b'));
    let handed: string | null = null;
    const first = queue
      .take()
      .next()
      .then((result) => {
        handed = result.value?.uidl ?? null;
      });

    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handed).toBeNull();
    queue.push(message('a'));
    await first;

    expect(handed).toBe('a');
  });

  it('appends a message pushed without a reserved place, and each message id once', async () => {
    const queue = new SendQueue();
    queue.push(message('earlier'));
    queue.reserve(1);
    queue.push(message('a'));
    queue.push(message('a'));
    queue.push(message('late'));
    queue.close();

    expect(await drain(queue)).toEqual(['earlier', 'a', 'late']);
  });

  it('keeps one place per message when the server lists a UIDL twice', async () => {
    const queue = new SendQueue();
    queue.reserve(1);
    queue.reserve(2);
    const ids: string[] = [];
    const taken = (async () => {
      for await (const item of queue.take()) ids.push(item.id);
    })();

    queue.push(message('dup', 'second', 2));
    queue.settle(2);
    queue.push(message('dup', 'first', 1));
    queue.settle(1);
    queue.close();
    await taken;

    expect(ids).toEqual(['first', 'second']);
  });

  it('ends at close even with a place still reserved, and ignores pushes after it', async () => {
    const queue = new SendQueue();
    queue.push(message('a'));
    queue.reserve(2);
    queue.close();
    queue.push(message('b'));

    expect(await drain(queue)).toEqual(['a']);
  });

  it('drops what is queued on abort', async () => {
    const queue = new SendQueue();
    queue.push(message('a'));
    queue.push(message('b'));
    queue.abort();

    expect(await drain(queue)).toEqual([]);
  });
});
