// No Prism outlives the process that started it: startMockServer's host process and the
// socotra-webhooks-mock bin, each ended by SIGTERM, SIGINT, SIGHUP (sent to its pid alone) and
// SIGKILL. After each, the Prism process is gone and its port is free.
import { execFile, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"] as const;

/** Starts `args` under node and resolves with its pid and the first `ready` match of its stdout. */
function startHost(args: string[], ready: RegExp): Promise<{ pid: number; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`not ready within 90 s:\n${output}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ pid: child.pid!, match });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before it was ready:\n${output}`));
    });
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const portAnswers = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

/** Polls until `pid` is gone and `url`'s port refuses connections, for up to 10 s. */
async function expectGone(pid: number | undefined, url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if ((pid === undefined || !isAlive(pid)) && !(await portAnswers(url))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} still answers${pid !== undefined && isAlive(pid) ? ` and Prism (pid ${pid}) still runs` : ""}`);
}

const host = `
  import { startMockServer } from ${JSON.stringify(new URL("../../dist/testing.js", import.meta.url).href)};
  const mock = await startMockServer({ startTimeoutMs: 80000 });
  console.log("ready", mock.url, mock.pid);
`;

describe.concurrent("startMockServer's Prism dies with its host process", { timeout: 120_000 }, () => {
  it.each(SIGNALS)("%s", async (signal) => {
    // The host has no handlers of its own: the watchdog alone must end Prism.
    const { pid, match } = await startHost(["--input-type=module", "-e", `${host}; setInterval(() => {}, 1000);`], /ready (\S+) (\d+)/);
    const [, url, prism] = match;
    expect(await portAnswers(url!)).toBe(true);
    process.kill(pid, signal);
    await expectGone(Number(prism), url!);
  });
});

describe.concurrent("socotra-webhooks-mock's Prism dies with the bin", { timeout: 120_000 }, () => {
  it.each(SIGNALS)("%s", async (signal) => {
    const { pid, match } = await startHost(["dist/bin/mock.js", "--port", "0"], /Mock of the Webhooks API: (\S+)/);
    const url = match[1]!;
    expect(await portAnswers(url)).toBe(true);
    process.kill(pid, signal);
    await expectGone(undefined, url);
  });
});

describe("npm start", () => {
  it.each(["PORT", "DOCS_PORT", "SIM_PORT"])("reports a busy %s, naming the variable to set, before building anything", async (variable) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const env = { ...process.env, PORT: "0", DOCS_PORT: "0", SIM_PORT: "0", [variable]: String(port) };
      const result = await promisify(execFile)(process.execPath, ["scripts/start.js"], { cwd: root, env }).then(
        (done) => ({ code: 0, ...done }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use: set ${variable} to another port`);
      expect(result.stdout).not.toContain("build");
    } finally {
      taken.close();
    }
  });
});
