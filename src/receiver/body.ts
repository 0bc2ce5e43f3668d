// Reading a streamed body whole, within the byte limit and the body timeout.
import { monotonicNow } from "../clock.js";
import { Chunks } from "../rules/body.js";
import { BODY_ALREADY_READ, BODY_TIMEOUT, BODY_UNREADABLE, type ReceiverAnswer } from "./answers.js";

const ignore = () => undefined;

/**
 * A body being read, as an entry in its receiver's deadline list. The node adapter's per-request
 * state is one, so listing a request costs a few field writes: no allocation, no hashing, no clock read.
 */
export abstract class BodyDeadline {
  prev: BodyDeadline | undefined = undefined;
  next: BodyDeadline | undefined = undefined;
  /** The time of the first sweep after this entry was listed (-1 before it): it was listed no later. */
  stamp = -1;
  /** The count of that sweep. */
  tick = 0;
  listed = false;
  /** Ends the read with its timeout answer; called at most once, by the sweep. */
  abstract expire(): void;
}

class CallbackDeadline extends BodyDeadline {
  constructor(private readonly onExpire: () => void) {
    super();
  }
  expire(): void {
    this.onExpire();
  }
}

/**
 * Body deadlines for all requests in flight, on one interval timer (every eighth of the timeout)
 * instead of a timer per request: a doubly linked list in listing order. Each sweep stamps the
 * entries listed since the previous one with its time and its count, and expires those stamped at
 * least `timeoutMs` ago: never before the timeout (the stamp is no earlier than the listing), and
 * within 1.25 x bodyTimeoutMs when the timer runs on time. An entry stamped enough sweeps ago
 * expires too, whatever the clock says: a test's fake setInterval drives the deadlines even where
 * performance.now is not faked (node:test's mock timers, vitest 3's default). The timer stops when
 * the list is empty, and is made again when the global setInterval changed (fake timers installed
 * or uninstalled: the old one may never run again).
 */
export function bodyDeadlines(timeoutMs: number) {
  let head: BodyDeadline | undefined;
  let tail: BodyDeadline | undefined;
  let sweeper: ReturnType<typeof setInterval> | undefined;
  // The setInterval and clearInterval the sweeper was made with.
  let armedWith: typeof setInterval | undefined;
  let disarm: typeof clearInterval = clearInterval;
  let ticks = 0;
  const period = Math.max(1, Math.floor(timeoutMs / 8));
  // Sweeps after the stamping one that span the timeout, plus one: a timer may run up to a
  // millisecond early by a finer clock, so a whole period more is waited (at most 1.25x on time).
  const expiryTicks = Math.ceil(timeoutMs / period) + 1;

  function remove(entry: BodyDeadline): void {
    if (!entry.listed) return;
    entry.listed = false;
    const { prev, next } = entry;
    if (prev === undefined) head = next;
    else prev.next = next;
    if (next === undefined) tail = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
  }

  function sweep(): void {
    const now = monotonicNow();
    ticks += 1;
    // Stamped entries precede unstamped ones, oldest first.
    while (head !== undefined && head.stamp >= 0 && (now - head.stamp >= timeoutMs || ticks - head.tick >= expiryTicks)) {
      const entry = head;
      remove(entry);
      try {
        entry.expire();
      } catch {
        // An answer that cannot be written (the peer is gone) must not stop the sweep or the process.
      }
    }
    for (let entry = tail; entry !== undefined && entry.stamp < 0; entry = entry.prev) {
      entry.stamp = now;
      entry.tick = ticks;
    }
    if (head === undefined) {
      disarm(sweeper);
      sweeper = undefined;
    }
  }

  /** Lists `entry` (not listed already) until `delete` or its expiry. */
  function add(entry: BodyDeadline): void {
    entry.stamp = -1;
    entry.listed = true;
    entry.prev = tail;
    entry.next = undefined;
    if (tail === undefined) head = entry;
    else tail.next = entry;
    tail = entry;
    if (sweeper === undefined || armedWith !== setInterval) {
      if (sweeper !== undefined) disarm(sweeper);
      armedWith = setInterval;
      disarm = clearInterval;
      sweeper = setInterval(sweep, period);
      (sweeper as { unref?: () => void }).unref?.();
    }
  }

  return {
    add,
    /** Lists a callback; returns its entry for `delete`. */
    addCallback(expire: () => void): BodyDeadline {
      const entry = new CallbackDeadline(expire);
      add(entry);
      return entry;
    },
    delete: remove,
  };
}

export type BodyDeadlines = ReturnType<typeof bodyDeadlines>;

/** The body's bytes, or the answer that ends the delivery (408, 413, 400). */
export async function readStream(stream: ReadableStream<Uint8Array>, maxBytes: number, deadlines: BodyDeadlines, tooLarge: ReceiverAnswer): Promise<Uint8Array | ReceiverAnswer> {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch {
    return BODY_ALREADY_READ; // locked: someone else is reading it
  }
  let timedOut = false;
  // Cancelling ends the pending read at once ({ done: true }), so no promise race is needed.
  const deadline = deadlines.addCallback(() => {
    timedOut = true;
    reader.cancel().catch(ignore);
  });
  const chunks = new Chunks();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) return BODY_TIMEOUT;
      if (done) return chunks.bytes();
      if (!(value instanceof Uint8Array)) throw new TypeError("not bytes");
      if (chunks.size + value.byteLength > maxBytes) {
        reader.cancel().catch(ignore);
        return tooLarge;
      }
      chunks.push(value);
    }
  } catch {
    return timedOut ? BODY_TIMEOUT : BODY_UNREADABLE;
  } finally {
    deadlines.delete(deadline);
  }
}

/** The same for any async iterable of byte chunks (a Node stream, a generator). */
export async function readIterable(source: AsyncIterable<Uint8Array>, maxBytes: number, timeoutMs: number, tooLarge: ReceiverAnswer): Promise<Uint8Array | ReceiverAnswer> {
  const iterator = source[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof BODY_TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(BODY_TIMEOUT), timeoutMs);
  });
  const chunks = new Chunks();
  let answer: ReceiverAnswer | undefined;
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), deadline]);
      if ("status" in next) {
        answer = next;
        break;
      }
      if (next.done) return chunks.bytes();
      if (!(next.value instanceof Uint8Array)) throw new TypeError("not bytes");
      if (chunks.size + next.value.byteLength > maxBytes) {
        answer = tooLarge;
        break;
      }
      chunks.push(next.value);
    }
  } catch {
    answer = BODY_UNREADABLE;
  } finally {
    clearTimeout(timer);
  }
  // Stop the source (a Node stream is destroyed), without waiting on a source that hangs.
  Promise.resolve()
    .then(() => iterator.return?.())
    .catch(ignore);
  return answer;
}
