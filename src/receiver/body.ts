// Reading a streamed body whole, within the byte limit and the body timeout.
import { concat } from "../bytes.js";
import { BODY_ALREADY_READ, BODY_TIMEOUT, BODY_UNREADABLE, type ReceiverAnswer } from "./answers.js";


// Chunks kept as they come, except that every run of this many is merged into one: a peer that
// sends a body in 1-byte chunks would otherwise cost ~100 bytes of bookkeeping per byte.
const MERGE_RUN = 256;

/** The chunks of one body, with its size; memory stays close to the body's own size. */
export class Chunks {
  size = 0;
  private readonly parts: Uint8Array[] = [];
  private merged = 0;

  push(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    this.parts.push(chunk);
    if (this.parts.length - this.merged === MERGE_RUN) {
      const run = this.parts.splice(this.merged);
      this.parts.push(concat(run, run.reduce((total, part) => total + part.byteLength, 0)));
      this.merged += 1;
    }
  }

  bytes(): Uint8Array {
    return concat(this.parts, this.size);
  }
}

const ignore = () => undefined;

export interface Pending {
  readonly deadline: number;
  readonly expire: () => void;
}

/**
 * Body deadlines for all requests in flight, checked by one interval timer (a quarter of the
 * timeout, so a stalled body is answered within 1.25 x bodyTimeoutMs) instead of a timer per
 * request. Insertion order is deadline order: every entry has the same timeout.
 */
export function bodyDeadlines(timeoutMs: number) {
  const pending = new Set<Pending>();
  let sweeper: ReturnType<typeof setInterval> | undefined;
  const sweep = () => {
    const now = Date.now();
    for (const entry of pending) {
      if (entry.deadline > now) break;
      pending.delete(entry);
      try {
        entry.expire();
      } catch {
        // An answer that cannot be written (the peer is gone) must not stop the sweep or the process.
      }
    }
    if (pending.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  return {
    add(expire: () => void): Pending {
      const entry = { deadline: Date.now() + timeoutMs, expire };
      pending.add(entry);
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, Math.max(5, Math.floor(timeoutMs / 4)));
        (sweeper as { unref?: () => void }).unref?.();
      }
      return entry;
    },
    delete: (entry: Pending) => pending.delete(entry),
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
  const deadline = deadlines.add(() => {
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
