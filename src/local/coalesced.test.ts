import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { Coalesced } from './coalesced.ts';

/**
 * A send that records the value current when it starts and finishes a tick later; `atEnd` runs
 * once, as a send finishes (before its promise settles).
 */
function recorder(options: { sameTick?: boolean } = { sameTick: true }) {
  let value = 0;
  const sent: number[] = [];
  let atEnd: (() => void) | undefined;
  const sender = new Coalesced(async () => {
    sent.push(value);
    await tick();
    const hook = atEnd;
    atEnd = undefined;
    hook?.();
  }, options);
  return {
    sent,
    sender,
    set(next: number) {
      value = next;
      return sender.request();
    },
    whenASendEnds(hook: () => void) {
      atEnd = hook;
    },
  };
}

test('Coalesced: changes made in the same tick go out as one send', async () => {
  const r = recorder();
  await Promise.all([r.set(1), r.set(2), r.set(3)]);
  assert.deepEqual(r.sent, [3]);
  assert.equal(r.sender.busy, false);
});

test('Coalesced: without sameTick the first run starts at once, and calls made meanwhile fold into one more', async () => {
  const r = recorder({});
  const done = r.set(1);
  assert.deepEqual(r.sent, [1], 'started synchronously');
  r.set(2);
  r.set(3);
  await done;
  assert.deepEqual(r.sent, [1, 3]);
});

test('Coalesced: a change made while a send is on its way goes out after it, and its promise waits for that', async () => {
  const r = recorder();
  const first = r.set(1);
  await tick(); // the first send has started
  let secondDone = false;
  const second = r.set(2).then(() => {
    secondDone = true;
  });
  await first;
  await second;
  assert.ok(secondDone);
  assert.deepEqual(r.sent, [1, 2]);
});

test('Coalesced: a change made any number of microtasks after a send ends is sent too', async () => {
  // Where a loop that has ended clears its promise a few microtasks later, a change landing in
  // between would be dropped: the proxy would keep an old table.
  for (let depth = 0; depth < 24; depth++) {
    const r = recorder(depth % 2 === 0 ? { sameTick: true } : {});
    let racing: Promise<void> = Promise.resolve();
    r.whenASendEnds(() => {
      let chain: Promise<void> = Promise.resolve();
      for (let i = 0; i < depth; i++) chain = chain.then(() => undefined);
      racing = chain.then(() => r.set(2));
    });
    await r.set(1);
    await racing;
    assert.equal(r.sent.at(-1), 2, `depth ${depth}: sent ${JSON.stringify(r.sent)}`);
    assert.equal(r.sender.busy, false);
  }
});
