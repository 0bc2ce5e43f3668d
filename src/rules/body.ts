// The package's one bounded body reader: the simulator's request bodies and receivers' answers,
// the sender's answers, and the client's answers without a Content-Length stop at the limit
// instead of reading an endless body to its end. Every reader, the receiver's too (which adds its
// body deadlines), keeps what it read in Chunks.
import { concat } from "../bytes.js";
import { untilAborted } from "./wait.js";

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


type Source = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * A web stream's chunks through its reader (not every runtime iterates streams), cancelled when the
 * loop leaves early or `signal` aborts (a read that never settles rejects then with its reason).
 */
async function* chunks(source: Source, signal: AbortSignal | undefined): AsyncIterable<Uint8Array> {
  if (!("getReader" in source)) return yield* source;
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await (signal === undefined ? reader.read() : untilAborted(reader.read(), signal));
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * What a body's reader rejects with for a chunk that is not a Uint8Array (a string, a DataView), as
 * fetch's own readers do: counted, it would be NaN bytes (no bound); read, a wrong body.
 */
export const notBytes = (): TypeError => new TypeError("a body chunk is not a Uint8Array");

/**
 * Reads `source` up to `max` bytes. A longer body, or one whose declared length is longer, yields
 * `max + 1` bytes, which decodeBody refuses by its size rule: reading stops there, and leaving the
 * loop cancels the stream. Null for an empty body. A web stream is also cancelled, and the read
 * rejects with the reason, when `signal` aborts.
 */
export async function readAtMost(source: Source | null, max: number, declaredLength: string | null = null, signal?: AbortSignal): Promise<Uint8Array | null> {
  if (source === null) return null;
  if (Number(declaredLength ?? "0") > max) return new Uint8Array(max + 1);
  const read = new Chunks();
  for await (const chunk of chunks(source, signal)) {
    if (!(chunk instanceof Uint8Array)) throw notBytes();
    if (read.size + chunk.byteLength > max) return new Uint8Array(max + 1);
    read.push(chunk);
  }
  return read.size === 0 ? null : read.bytes();
}
