// Spawning Prism so that it never outlives the process that started it. Node has no
// PR_SET_PDEATHSIG, so Prism runs with a watchdog loaded before its CLI: the child exits when
// its stdin, a pipe from this process, reaches end of file (this process ended, however: exit,
// SIGTERM, SIGINT, SIGHUP, SIGKILL), or when it is handed to another parent.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { MockServerError } from "../errors.js";
import { isPort, MAX_TIMER_MS, PORT_RULE } from "../rules/limits.js";

export { MockServerError };

const PRISM_PACKAGE = "@stoplight/prism-cli";

/** Runs in the Prism process (argv[1] is Prism's CLI, so Prism's own argument parsing is unchanged). */
const WATCHDOG = [
  "const parent = process.ppid;",
  'process.stdin.on("end", () => process.exit(0)).on("error", () => process.exit(0)).resume();',
  "setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 250).unref();",
  "require(process.argv[1]);",
].join("\n");


function findPrism(): string {
  try {
    return createRequire(import.meta.url).resolve(`${PRISM_PACKAGE}/dist/index.js`);
  } catch {
    throw new MockServerError(
      `socotra-webhooks-contract/testing needs Prism, an optional peer dependency that is not installed. ` +
        `Install it with: npm install --save-dev ${PRISM_PACKAGE}@5.14.2`,
    );
  }
}

export interface MockServer {
  /** The server's base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The Prism process's id. */
  pid: number;
  /** Stops the Prism process this server started; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface PrismOptions {
  port?: number;
  host?: string;
  startTimeoutMs?: number;
}

/** Resolves the port to use (a free one for 0), or rejects with a MockServerError naming the busy port. */
export function checkPort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new MockServerError(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is already in use: stop what listens there or choose another port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => {
      const { port: chosen } = probe.address() as { port: number };
      probe.close(() => resolve(chosen));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Spawns Prism with `args` (`mock FILE`, `proxy FILE URL`...) on a free or given port; resolves once it listens. */
export async function spawnPrism(args: readonly string[], options: PrismOptions): Promise<MockServer> {
  const { host = "127.0.0.1", startTimeoutMs = 30_000 } = options;
  const requested = options.port ?? 0;
  if (!isPort(requested)) {
    throw new MockServerError(`\`port\` ${PORT_RULE}, got ${String(requested)}`);
  }
  if (!Number.isInteger(startTimeoutMs) || startTimeoutMs < 1 || startTimeoutMs > MAX_TIMER_MS) {
    throw new MockServerError(`\`startTimeoutMs\` must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
  const prism = findPrism();
  const port = await checkPort(host, requested);
  const child = spawn(process.execPath, ["-e", WATCHDOG, prism, ...args, "-h", host, "-p", String(port)], { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopProcess(child);
      reject(new MockServerError(`Prism did not start within ${startTimeoutMs} ms:\n${output.trim()}`));
    }, startTimeoutMs);
    const onData = () => {
      if (!output.includes("Prism is listening")) return;
      cleanup();
      resolve();
    };
    const onExit = () => {
      cleanup();
      reject(new MockServerError(`Prism exited before it was ready:\n${output.trim()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout.on("data", onData);
    child.once("exit", onExit);
  });
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, pid: child.pid!, stop: () => stopProcess(child) };
}
