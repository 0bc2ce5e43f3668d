// The package's one bounded body reader: the simulator's request bodies and receivers' answers,
// the sender's answers, and the client's answers without a Content-Length stop at the limit
// instead of reading an endless body to its end. (The receiver's reader adds per-chunk deadlines.)
import { concat } from "../bytes.js";

type Source = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** A web stream's chunks through its reader (not every runtime iterates streams), cancelled when the loop leaves early. */
async function* chunks(source: Source): AsyncIterable<Uint8Array> {
  if (!("getReader" in source)) return yield* source;
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * Reads `source` up to `max` bytes. A longer body, or one whose declared length is longer, yields
 * `max + 1` bytes, which decodeBody refuses by its size rule: reading stops there, and leaving the
 * loop cancels the stream. Null for an empty body.
 */
export async function readAtMost(source: Source | null, max: number, declaredLength: string | null = null): Promise<Uint8Array | null> {
  if (source === null) return null;
  if (Number(declaredLength ?? "0") > max) return new Uint8Array(max + 1);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks(source)) {
    size += chunk.byteLength;
    if (size > max) return new Uint8Array(max + 1);
    parts.push(chunk);
  }
  return size === 0 ? null : concat(parts, size);
}
