// The one bounded body reader: what it returns at, under and over its limit, and that it keeps a
// body sent a byte at a time as merged runs (the receiver's rule), ending the stream it leaves early.
import { describe, expect, it } from "vitest";
import { Chunks, readAtMost } from "../../src/rules/body.js";

async function* bytesOneByOne(text: string): AsyncIterable<Uint8Array> {
  for (const byte of new TextEncoder().encode(text)) yield Uint8Array.of(byte);
}

describe("readAtMost", () => {
  it("returns a body sent one byte at a time whole, in order", async () => {
    const text = "x".repeat(1000) + "é€".repeat(300);
    const read = await readAtMost(bytesOneByOne(text), 10_000);
    expect(new TextDecoder().decode(read!)).toBe(text);
  });

  it("stops at the limit: max bytes pass, max + 1 yields max + 1 bytes, which the size rule refuses", async () => {
    expect((await readAtMost(bytesOneByOne("a".repeat(600)), 600))!.byteLength).toBe(600);
    expect((await readAtMost(bytesOneByOne("a".repeat(601)), 600))!.byteLength).toBe(601);
    expect((await readAtMost(bytesOneByOne("a"), 600, "601"))!.byteLength).toBe(601);
  });

  it.each([
    ["a string", "abc"],
    ["a DataView", new DataView(new ArrayBuffer(4))],
    ["an ArrayBuffer", new ArrayBuffer(4)],
    ["a number", 5],
  ])("rejects a chunk that is %s with a TypeError, as fetch's own readers do (it was read as a wrong body, or counted as NaN bytes)", async (_label, chunk) => {
    for (const chunks of [[chunk], [Uint8Array.of(1), chunk]]) {
      const stream = new ReadableStream({ start: (controller) => { for (const each of chunks) controller.enqueue(each); controller.close(); } });
      await expect(readAtMost(stream as ReadableStream<Uint8Array>, 100)).rejects.toThrow(TypeError);
    }
  });

  it("reads an empty body as null", async () => {
    expect(await readAtMost(bytesOneByOne(""), 10)).toBeNull();
    expect(await readAtMost(null, 10)).toBeNull();
  });

  it("cancels a web stream it leaves at the limit (an endless body is not read to its end)", async () => {
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    expect((await readAtMost(endless, 10_000))!.byteLength).toBe(10_001);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(20);
  });
});

describe("Chunks", () => {
  it("holds runs of small chunks merged, so 1-byte chunks do not cost their bookkeeping per byte", () => {
    const chunks = new Chunks();
    for (let i = 0; i < 256 * 256; i += 1) chunks.push(Uint8Array.of(i % 251));
    const parts = (chunks as unknown as { parts: Uint8Array[] }).parts;
    expect(parts.length).toBeLessThanOrEqual(512);
    const bytes = chunks.bytes();
    expect(bytes.byteLength).toBe(256 * 256);
    expect(bytes[1000]).toBe(1000 % 251);
  });
});
