// socotra-webhooks-contract/testing: a Prism mock of this package's spec, for contract tests in
// this repository and in every repository that installs the package.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const PRISM_PACKAGE = "@stoplight/prism-cli";

function findPrism(): string {
  try {
    return require.resolve(`${PRISM_PACKAGE}/dist/index.js`);
  } catch {
    throw new Error(
      `socotra-webhooks-contract/testing needs Prism, an optional peer dependency that is not installed. ` +
        `Install it with: npm install --save-dev ${PRISM_PACKAGE}@5.14.2`,
    );
  }
}

// Fails at import when Prism is missing, with the command that fixes it.
const PRISM_CLI = findPrism();

/** The bundled spec the mock serves. */
export const SPEC_PATH = fileURLToPath(new URL("../generated/openapi.json", import.meta.url));

export interface MockServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Generate responses from the schemas instead of answering the spec's examples. */
  dynamic?: boolean;
  /** Seed for dynamic responses, so that they repeat from run to run. */
  seed?: string | number;
  /** Answer 500 when a response would break its own schema (Prism's `--errors`). Default true. */
  errors?: boolean;
  /** How long to wait for Prism to answer. Default 30,000 ms. */
  startTimeoutMs?: number;
}

export interface MockServer {
  /** The server's base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** Stops the Prism process this server started; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Thrown when the mock cannot start: the port is taken, or Prism failed (its own output is in the message). */
export class MockServerError extends Error {
  override name = "MockServerError";
}

// One registry of running Prism processes per process, however many copies of this module load
// (the ES and CommonJS builds, or two installed versions): one exit handler, registered once,
// kills every Prism any of them started, so that none outlives a host that exits without stop().
const RUNNING = Symbol.for("socotra-webhooks-contract/testing/running");
const shared = globalThis as typeof globalThis & { [RUNNING]?: Set<ChildProcess> };
const running = shared[RUNNING] ?? registerRunning();

function registerRunning(): Set<ChildProcess> {
  const children = new Set<ChildProcess>();
  shared[RUNNING] = children;
  process.once("exit", () => {
    for (const child of children) child.kill("SIGKILL");
  });
  return children;
}

function freePort(host: string, port: number): Promise<number> {
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

/** Spawns Prism with `args` after PRISM_CLI on a free or given port; resolves once it listens. */
async function startPrism(mode: string[], options: { port?: number; host?: string; startTimeoutMs?: number }): Promise<MockServer> {
  const { host = "127.0.0.1", startTimeoutMs = 30_000 } = options;
  const requested = options.port ?? 0;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new MockServerError(`\`port\` must be an integer from 0 to 65535, got ${String(requested)}`);
  }
  const port = await freePort(host, requested);
  const child = spawn(process.execPath, [PRISM_CLI, ...mode, "-h", host, "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
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
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, stop: () => stopProcess(child) };
}

/**
 * Starts Prism on this package's bundled spec and resolves once it answers.
 *
 * @example
 * const mock = await startMockServer();
 * const client = createWebhooksClient({ baseUrl: mock.url, token: "any-token" });
 * // ...
 * await mock.stop();
 */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { dynamic = false, seed, errors = true } = options;
  const mode = ["mock", SPEC_PATH];
  if (errors) mode.push("--errors");
  if (dynamic) mode.push("--dynamic", "--json-schema-faker-fillProperties=false");
  if (seed !== undefined) mode.push("--seed", String(seed));
  return startPrism(mode, options);
}

export interface ValidatingProxyOptions {
  /** The real deployment, e.g. `https://api.sandbox.socotra.com`. */
  upstream: string;
  port?: number;
  host?: string;
  startTimeoutMs?: number;
}

/**
 * Starts Prism as a proxy in front of a real deployment: it forwards every request and reports
 * each request or response that breaks the contract in an `sl-violations` header.
 */
export function startValidatingProxy(options: ValidatingProxyOptions): Promise<MockServer> {
  if (!/^https?:\/\/[^/]/.test(options.upstream)) throw new MockServerError(`\`upstream\` must be an http(s) URL, got "${options.upstream}"`);
  return startPrism(["proxy", SPEC_PATH, options.upstream], options);
}
