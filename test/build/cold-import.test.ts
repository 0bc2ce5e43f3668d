// What importing the root entry costs a fresh process: no work that could wait for first use
// (bench figure 2 measures the whole of it). Web Crypto's first use loads a few ms of Node's
// internals, so the dedupe store draws its token prefix on the first claim, not at import. And
// Node's ES loader pays per module, so dist/index.js inlines the modules only the root loads
// (scripts/esm-root.js); those other entries load stay shared, one instance per process.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../support/dist.js";

const root = new URL("../../dist/index.js", import.meta.url).href;
const run = async (script: string) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)), timeout: 20_000 }
  );
  return JSON.parse(stdout) as Record<string, unknown>;
};

beforeAll(ensureDist, 120_000);

describe("importing the package", () => {
  it("does not touch Web Crypto until a claim needs a token", async () => {
    const script = `let reads = 0;
const real = globalThis.crypto;
Object.defineProperty(globalThis, "crypto", { configurable: true, get() { reads += 1; return real; } });
const { memoryDedupeStore } = await import(${JSON.stringify(root)});
const atImport = reads;
const store = memoryDedupeStore();
const first = store.claim("delivery-1", { leaseMs: 1000 });
const second = store.claim("delivery-2", { leaseMs: 1000 });
console.log(JSON.stringify({ atImport, afterClaims: reads, first, second }));`;
    const result = (await run(script)) as {
      atImport: number;
      afterClaims: number;
      first: { token: string };
      second: { token: string };
    };
    expect(result.atImport).toBe(0);
    expect(result.afterClaims).toBe(1);
    // One random prefix per process, then a counter: distinct tokens sharing the prefix.
    expect(result.first.token).not.toBe(result.second.token);
    expect(result.first.token.split(".")[0]).toBe(
      result.second.token.split(".")[0]
    );
    expect(result.first.token.split(".")[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shares its classes and stores with the other entries (the root bundle inlines no shared module)", async () => {
    const script = `const root = await import(${JSON.stringify(root)});
const redis = await import(${JSON.stringify(
      new URL("../../dist/redis.js", import.meta.url).href
    )});
const memory = await import(${JSON.stringify(
      new URL("../../dist/receiver/stores/memory.js", import.meta.url).href
    )});
let fromRedis;
try { redis.redisDedupeStore({ client: {} }); } catch (error) { fromRedis = error; }
console.log(JSON.stringify({
  redisErrorIsRootClass: fromRedis instanceof root.WebhooksOptionError,
  sameMemoryStore: root.memoryDedupeStore === memory.memoryDedupeStore,
}));`;
    expect(await run(script)).toEqual({
      redisErrorIsRootClass: true,
      sameMemoryStore: true,
    });
  });
});
