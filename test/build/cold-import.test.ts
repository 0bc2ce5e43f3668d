// What importing the root entry costs a fresh process: no work that could wait for first use
// (bench figure 2 measures the whole of it). Web Crypto's first use loads a few ms of Node's
// internals, so the dedupe store draws its token prefix on the first claim, not at import.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../support/dist.js";

const root = new URL("../../dist/index.js", import.meta.url).href;

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
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: fileURLToPath(new URL("../..", import.meta.url)), timeout: 20_000 });
    const result = JSON.parse(stdout) as { atImport: number; afterClaims: number; first: { token: string }; second: { token: string } };
    expect(result.atImport).toBe(0);
    expect(result.afterClaims).toBe(1);
    // One random prefix per process, then a counter: distinct tokens sharing the prefix.
    expect(result.first.token).not.toBe(result.second.token);
    expect(result.first.token.split(".")[0]).toBe(result.second.token.split(".")[0]);
    expect(result.first.token.split(".")[0]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
