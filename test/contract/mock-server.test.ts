// startMockServer and the socotra-webhooks-mock bin: a clear message for a port in use or a
// missing Prism, and stop() that leaves no process behind. Signals: mock-lifecycle.e2e.test.ts.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockServerError, startMockServer } from "../../src/testing.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const root = fileURLToPath(new URL("../..", import.meta.url));
let taken: Server;
let takenPort: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(() => new Promise((resolve) => taken.close(resolve)));

describe("startMockServer", { timeout: 60_000 }, () => {
  it("refuses a port in use with a clear MockServerError", async () => {
    await expect(startMockServer({ port: takenPort })).rejects.toThrow(new MockServerError(`port ${takenPort} on 127.0.0.1 is already in use: stop what listens there or choose another port`));
  });

  it("refuses a port that is not a port", async () => {
    await expect(startMockServer({ port: 70000 })).rejects.toThrow(/`port` must be an integer from 0 to 65535, got 70000/);
  });

  it("stops the Prism process it started", async () => {
    const mock = await startMockServer();
    expect((await fetch(`${mock.url}/webhooks`, { headers: { Authorization: "t" } })).status).toBe(200);
    await mock.stop();
    await expect(fetch(`${mock.url}/webhooks`)).rejects.toThrow();
  });

  it("imports without Prism, and says what to install when a server starts", async () => {
    // The compiled testing entry, alone in a folder where no @stoplight/prism-cli can be found.
    const lonely = await mkdtemp(join(tmpdir(), "no-prism-"));
    try {
      for (const file of await relativeImportClosure(join(root, "dist"), "testing.js")) await cp(join(root, "dist", file), join(lonely, "dist", file));
      const entry = JSON.stringify(join(lonely, "dist", "testing.js"));
      const script = `const { startMockServer } = await import(${entry}); console.log("imported"); await startMockServer().catch((error) => console.error(error.name, error.message));`;
      const result = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
      expect(result.stdout).toBe("imported\n");
      expect(result.stderr).toContain("MockServerError socotra-webhooks-contract/testing needs Prism, an optional peer dependency that is not installed. Install it with: npm install --save-dev @stoplight/prism-cli@5.14.2");
    } finally {
      await rm(lonely, { recursive: true, force: true });
    }
  });
});

/** The files an ES module in `dir` loads through relative imports, itself included (not node_modules). */
async function relativeImportClosure(dir: string, entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await readFile(join(dir, file), "utf8");
    for (const [, specifier] of text.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)"/g)) await visit(normalize(join(dirname(file), specifier!)));
  };
  await visit(entry);
  return [...seen];
}

it("socotra-webhooks mock explains a port in use, without a stack trace", async () => {
  const result = await promisify(execFile)(process.execPath, [join(root, "dist", "bin", "socotra-webhooks.js"), "mock", "--port", String(takenPort)]).catch((error) => error);
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(`port ${takenPort} on 127.0.0.1 is already in use: stop what listens there or choose another port`);
});
