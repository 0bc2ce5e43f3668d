// The real servers the store tests start die with the test process: a test process killed with
// SIGKILL (no afterAll) leaves no redis-server running, nor one defunct. A server killed by anyone
// but its parent is reaped by whoever adopts orphans; in a container whose PID 1 never reaps (Docker
// without --init) it stays a zombie. The test plays that PID 1: the test process runs under a perl
// that adopts orphans (PR_SET_CHILD_SUBREAPER) and never reaps them.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { pause } from "../support/guard.js";

const dir = mkdtempSync(join(tmpdir(), "socotra-servers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process's state letter (R, S, Z...), or undefined once it is gone (reaped). */
const stateOf = (pid: number) => (existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] : undefined);

describe("startRedis", () => {
  it("leaves no redis-server, running or defunct, when the test process is killed with SIGKILL", async () => {
    const script = join(dir, "holder.mjs");
    await build({
      stdin: { contents: `import { startRedis } from "./redis.ts"; const s = await startRedis(); console.log(JSON.stringify({ port: s.port, pid: s.pid })); setInterval(() => undefined, 1000);`, resolveDir: fileURLToPath(new URL("../support/", import.meta.url)), loader: "ts" },
      bundle: true,
      platform: "node",
      format: "esm",
      // node-redis bundled in: the script runs from a temporary folder, away from node_modules.
      banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` },
      outfile: script,
      logLevel: "silent",
    });
    const adopter = `require "syscall.ph"; syscall(SYS_prctl(), 36, 1, 0, 0, 0) == 0 or die "prctl: $!"; defined(my $pid = fork) or die; exec @ARGV or die "exec: $!" if $pid == 0; print STDERR "holder $pid\\n"; sleep 60;`;
    const holder = spawn("perl", ["-e", adopter, process.execPath, script], { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: ["ignore", "pipe", "pipe"] });
    const holderPid = new Promise<number>((resolve) => holder.stderr.on("data", (text) => /holder (\d+)/.test(String(text)) && resolve(Number(/holder (\d+)/.exec(String(text))![1]))));
    let started: { port: number; pid: number } | undefined;
    try {
      started = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
        holder.stdout.once("data", (line) => resolve(JSON.parse(String(line))));
        holder.once("exit", (code) => reject(new Error(`the holder exited (${code}) before redis-server answered`)));
      });
      expect(stateOf(started.pid)).toMatch(/[RS]/);
      process.kill(await holderPid, "SIGKILL");
      for (let waited = 0; stateOf(started.pid) !== undefined && waited < 5_000; waited += 100) await pause(100);
      expect(stateOf(started.pid)).toBeUndefined();
    } finally {
      holder.kill("SIGKILL");
      if (started !== undefined && stateOf(started.pid) !== undefined) process.kill(started.pid, "SIGKILL");
    }
  }, 20_000);
});
