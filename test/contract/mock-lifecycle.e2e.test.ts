// No Prism outlives the process that started it: startMockServer's host process, the
// socotra-webhooks-mock bin and `npm start`, each ended by SIGTERM, SIGINT, SIGHUP (sent to its pid
// alone) and SIGKILL. After each, the Prism process is gone and its port is free.
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const root = fileURLToPath(new URL("../..", import.meta.url));
const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"] as const;

/** Starts `args` under node (or `command`) and resolves with its pid and the first `ready` match of its stdout. */
function startHost(args: string[], ready: RegExp, { command = process.execPath, env = process.env } = {}): Promise<{ pid: number; match: RegExpExecArray }> {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
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
    const { pid, match } = await startHost(["dist/bin/socotra-webhooks.js", "mock", "--port", "0"], /Mock of the Webhooks API: (\S+)/);
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

/** A process as /proc shows it: its id and start time (so that a reused id is not taken for it). */
type Proc = { pid: number; started: string; command: string };
const statOf = (pid: number) => {
  try {
    // Fields after the command's closing parenthesis: state is the first, start time the 20th.
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
  } catch {
    return undefined;
  }
};
/** Every process below `pid` (npm's shell, start.js, the bins, Prism). */
function descendants(pid: number): Proc[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => {
    const stat = statOf(child);
    if (stat === undefined) return [];
    const command = readFileSync(`/proc/${child}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return [{ pid: child, started: stat[19]!, command }, ...descendants(child)];
  });
}
/** Running: present with the same start time and not a zombie (an orphaned shell waits for init to reap it). */
const stillRuns = ({ pid, started }: Proc) => {
  const stat = statOf(pid);
  return stat !== undefined && stat[19] === started && stat[0] !== "Z";
};

// npm runs start.js through `sh -c`; npm forwards SIGINT and SIGTERM to that shell alone, and
// SIGHUP or SIGKILL leave the shell and start.js behind it: start.js must notice each. It runs with
// --no-build, so that nothing rewrites generated/ while other files read it (the build is not what
// is tested here), and every port is chosen free. The four run at once: on two cores, starting
// four Prisms together takes no longer than two and two.
describe.concurrent("npm start: no Prism, simulator or docs server outlives npm", { timeout: 150_000 }, () => {
  const started: Proc[][] = [];
  afterAll(() => {
    // Only when a case failed: end what it left, so that the run does not leave it either.
    for (const proc of started.flat()) if (stillRuns(proc)) process.kill(proc.pid, "SIGKILL");
  });

  it.each(SIGNALS)("%s sent to npm's pid alone", async (signal) => {
    const env = { ...process.env, PORT: "0", DOCS_PORT: "0", SIM_PORT: "0" };
    const { pid, match } = await startHost(["start", "--", "--no-build"], /build: skipped \(--no-build\)[^]*Mock API +(\S+)[^]*Simulator +(\S+)[^]*API docs +(\S+)/, { command: "npm", env });
    const urls = match.slice(1, 4);
    const below = descendants(pid);
    started.push(below);
    expect(below.some((proc) => proc.command.includes("@stoplight/prism-cli"))).toBe(true);
    for (const url of urls) expect(await portAnswers(url)).toBe(true);

    process.kill(pid, signal);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const running = below.filter(stillRuns);
      const answering = (await Promise.all(urls.map(async (url) => ((await portAnswers(url)) ? [url] : [])))).flat();
      if (running.length === 0 && answering.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(`20 s after ${signal}: ${[...running.map((proc) => `pid ${proc.pid} (${proc.command.slice(0, 200)}) still runs`), ...answering.map((url) => `${url} still answers`)].join("; ")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
