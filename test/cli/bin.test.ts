// The real bin, as a process: exit statuses and Ctrl-C (SIGINT) in the middle of a resend.
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWebhookReceiver } from "../../src/index.js";
import { startSimulator } from "../../src/simulator/index.js";
import { cli, tempDir, TOKEN } from "./harness.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const bin = fileURLToPath(new URL("../../dist/bin/socotra-webhooks.js", import.meta.url));
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

/** The bin; with `piped`, its stdin is a shell pipe carrying that text (a socket, as "pipe" gives, cannot be opened as /dev/stdin). */
function start(args: string[], env: Record<string, string>, piped?: string) {
  const command = piped === undefined ? [process.execPath, bin, ...args] : ["sh", "-c", 'printf "%s\\n" "$PIPED" | exec "$0" "$@"', process.execPath, bin, ...args];
  const child = spawn(command[0]!, command.slice(1), { cwd: dir.path, env: { PATH: process.env.PATH, ...env, ...(piped !== undefined && { PIPED: piped }) }, stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => (output.stdout += chunk));
  child.stderr.on("data", (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output, exited };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("the socotra-webhooks bin", () => {
  it("exits 1 on a wrong token, which it never prints (here read from a pipe: --token-file /dev/stdin)", async () => {
    const running = await startSimulator({ tokens: [TOKEN] });
    try {
      const wrong = start(["list", "--token-file", "/dev/stdin"], { SOCOTRA_BASE_URL: running.url }, "wrong-secret-4411");
      expect(await wrong.exited).toBe(1);
      expect(wrong.output.stderr).toMatch(/the platform refused the token \(401 Unauthorized\)/);
      expect(wrong.output.stdout + wrong.output.stderr).not.toContain("wrong-secret-4411");
    } finally {
      await running.stop();
    }
  });

  it("Ctrl-C finishes the resends in flight, records them and exits 130; the next run sends only the rest", async () => {
    const received: string[] = [];
    const receiver = createWebhookReceiver().on("*", (event) => void received.push(event.id));
    let up = false;
    const running = await startSimulator({
      tokens: [TOKEN],
      integrations: { "document-service": "http://receiver.test/" },
      assume: { retryDelayMs: 0 },
      fetch: (url, init) => (up ? receiver.handle(new Request(url, init)) : Promise.resolve(new Response(null, { status: 503 }))),
    });
    try {
      const env = { SOCOTRA_TOKEN: TOKEN, SOCOTRA_BASE_URL: running.url };
      await writeFile(join(dir.path, "w.json"), JSON.stringify({ name: "w", integrationName: "document-service", events: ["policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["503"] } }));
      expect((await cli(["apply", "w.json"], { cwd: dir.path, env })).code).toBe(0);
      for (let index = 0; index < 30; index += 1) await running.simulator.emit("policy.issue", { transactionId: `tx-${index}` });
      up = true;

      const first = start(["diverted", "resend", "w", "--all", "--concurrency", "2", "--rate", "40/s"], env);
      await until(() => received.length >= 4, "the first deliveries");
      first.child.kill("SIGINT");
      expect(await first.exited).toBe(130);
      expect(first.output.stderr).toMatch(/SIGINT: finishing the requests in flight/);
      expect(first.output.stdout).toMatch(/Interrupted: \d+ transaction\(s\) not attempted/);
      const ledger = (await readFile(join(dir.path, ".socotra-webhooks-ledger.jsonl"), "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line));
      expect(ledger.filter((record) => record.state === "resent")).toHaveLength(received.length);
      expect(ledger.filter((record) => record.state === "sending")).toHaveLength(received.length);
      expect(received.length).toBeLessThan(30);

      const second = await cli(["diverted", "resend", "w", "--all", "--concurrency", "8"], { cwd: dir.path, env });
      expect(second.code).toBe(0);
      expect(received).toHaveLength(30);
      expect(new Set(received).size).toBe(30);
    } finally {
      await running.stop();
    }
  });
});
