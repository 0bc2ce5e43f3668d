// `npm start`: check the ports, build everything, then serve the Prism mock (PORT, default 4010),
// the HTML docs (DOCS_PORT, default the mock's port + 1) and the lifecycle simulator (SIM_PORT,
// default the mock's port + 2) on 127.0.0.1 until Ctrl-C. The mock and the simulator run as child
// processes (bins from dist/, never imported here) that stop when this process ends, however it ends.
// `npm start -- --no-build` serves dist/ and generated/ as they are, without building (nothing is
// written: what the lifecycle test runs beside the tests that read generated/).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { GENERATED, ROOT } from "./lib.js";

const HOST = "127.0.0.1";
const DOCS_PAGE = join(GENERATED, "docs", "index.html");

function parsePort(name, fallback) {
  const text = process.env[name] ?? String(fallback);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`${name} must be a whole number from 0 to 65535, got "${text}"`);
  return port;
}

/** Fails, naming the variable that moves it, when `port` is taken: before any build runs. */
function requireFreePort(name, port) {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", (error) =>
      reject(new Error(error.code === "EADDRINUSE" ? `port ${port} on ${HOST} is already in use: set ${name} to another port, e.g. ${name}=${port + 10} npm start` : error.message)),
    );
    probe.listen(port, HOST, () => probe.close(resolve));
  });
}

/** Starts a bin as a child process and resolves with its URL once it prints the `ready` line. */
function startService(label, args, ready) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  // Stopped with the rest even when a signal comes before it is ready.
  services.push({ label, child });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk) => {
      output += chunk;
      const url = ready.exec(output)?.[1];
      if (url === undefined) return;
      child.stdout.off("data", onData).resume();
      child.off("exit", onExit);
      resolve({ label, url, child });
    };
    const onExit = (code) => reject(new Error(`${label} exited with status ${code} before it was ready`));
    child.stdout.setEncoding("utf8").on("data", onData);
    child.once("exit", onExit);
  });
}

/** SIGTERM, then SIGKILL if it has not exited 5 s later. */
function stopService({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Redoc routes by path over http, so every path answers the one page. */
async function serveDocs(port) {
  const page = await readFile(DOCS_PAGE);
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  });
  await new Promise((resolve, reject) => {
    server.once("error", (error) => reject(new Error(error.code === "EADDRINUSE" ? `docs port ${port} on ${HOST} is already in use: set DOCS_PORT to another port` : error.message)));
    server.listen(port, HOST, resolve);
  });
  return server;
}

const services = [];
let docs;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  docs?.close();
  await Promise.all(services.map(stopService));
  process.exit(code);
}
/** The parent of process `pid`, or undefined where it cannot be read. */
function parentOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
  } catch {
    try {
      return Number(execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Whether process `pid` is a shell running a command line (`sh -c "node scripts/start.js"`). */
function isShellWrapper(pid) {
  try {
    const [command, flag] = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return flag === "-c" && /(?:^|\/)(?:sh|dash|bash|ash|ksh|zsh)$/.test(command);
  } catch {
    return false;
  }
}

/** How many times process `pid` has been scheduled out, or undefined where /proc cannot tell. */
function wakeups(pid) {
  try {
    const counts = readFileSync(`/proc/${pid}/status`, "utf8").matchAll(/^(?:non)?voluntary_ctxt_switches:\s*(\d+)$/gm);
    return [...counts].reduce((sum, [, count]) => sum + Number(count), 0);
  } catch {
    return undefined;
  }
}

// A new parent means ours died (even by SIGKILL). Under `npm start` the parent is npm's `sh -c`
// wrapper, which outlives a killed npm: watch npm too. npm forwards SIGINT and SIGTERM to that
// shell alone: it dies of SIGTERM (our parent changes), but catches SIGINT and waits for its child,
// this process, to end first, which nothing would make happen. The shell sleeps in that wait until
// a signal it catches wakes it: SIGINT, or SIGCHLD when this process stops or continues (Ctrl-Z,
// fg). So a shell that woke, not within a second of a SIGCONT here, was sent SIGINT. Linux only
// (/proc); elsewhere the terminal's Ctrl-C reaches every process of the group, this one included.
const parent = process.ppid;
const npm = process.env.npm_lifecycle_event === undefined ? undefined : parentOf(parent);
const shell = npm !== undefined && isShellWrapper(parent) ? parent : undefined;
let shellWakeups; // read on the first tick, once the shell sleeps in its wait
let shellWoke = false; // seen on one tick, acted on at the next, so that a SIGCONT handled late still counts
let continuedAt = -Infinity;
setInterval(() => {
  if (process.ppid !== parent || (npm !== undefined && npm > 1 && !isAlive(npm))) return void stop(0);
  if (shell === undefined) return;
  const count = wakeups(shell);
  if (shellWakeups === undefined || count === shellWakeups || Date.now() - continuedAt < 1000) {
    shellWakeups = count;
    shellWoke = false;
  } else if (shellWoke) void stop(0);
  else shellWoke = true;
}, 250).unref();
if (shell !== undefined) process.on("SIGCONT", () => (continuedAt = Date.now()));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => void stop(0));

try {
  const mockPort = parsePort("PORT", 4010);
  const docsPort = parsePort("DOCS_PORT", mockPort === 0 ? 0 : mockPort + 1);
  const simPort = parsePort("SIM_PORT", mockPort === 0 ? 0 : mockPort + 2);
  await requireFreePort("PORT", mockPort);
  await requireFreePort("DOCS_PORT", docsPort);
  await requireFreePort("SIM_PORT", simPort);
  if (process.argv.includes("--no-build")) {
    if (!existsSync(join(ROOT, "dist", "bin", "mock.js"))) throw new Error("--no-build: dist/ is not built; run `npm run build` first");
    console.log("build: skipped (--no-build)");
  } else {
    // Loaded only now: the build's tools take seconds to load, and a busy port is reported first.
    const { buildAll } = await import("./build.js");
    await buildAll();
  }
  const [mock, simulator] = await Promise.all([
    startService("mock", ["dist/bin/socotra-webhooks.js", "mock", "--port", String(mockPort), "--host", HOST], /Mock of the Webhooks API: (\S+)/),
    startService("simulator", ["dist/bin/socotra-webhooks.js", "sim", "--port", String(simPort), "--host", HOST], /Webhooks simulator\s+(\S+)/),
  ]);
  docs = existsSync(DOCS_PAGE) ? await serveDocs(docsPort) : undefined;
  const sim = simulator.url;
  const json = `-H "Authorization: any-token" -H "Content-Type: application/json"`;
  console.log(`\nMock API    ${mock.url}   (Prism: the contract, stateless)`);
  console.log(`Simulator   ${sim}   (the webhook lifecycle, with state; its endpoints and assumptions: docs/simulator.md)`);
  console.log(`Console     ${sim}/_simulator/ui   (the simulator in a browser: webhooks, timeline, diverted events)`);
  if (docs) console.log(`API docs    http://${HOST}:${docs.address().port}/  (also ${DOCS_PAGE})`);
  console.log(`
Try the mock:
  curl -H "Authorization: any-token" ${mock.url}/webhooks
Try the simulator: register an integration, a webhook that listens, then raise an event (with
nothing listening on :3000 the delivery fails and the event is diverted):
  curl -X PUT ${json} -d '{"url":"http://127.0.0.1:3000/events"}' ${sim}/_simulator/integrations/my-service
  curl -X PUT ${json} -d '{"name":"policy-events","integrationName":"my-service","events":["policy.issue"],"failureHandling":{"mode":"divert","actOnStatusCodes":["500"]}}' ${sim}/webhooks
  curl -X POST ${json} -d '{"type":"policy.issue","data":{"policyLocator":"100000001"}}' ${sim}/_simulator/events
  curl -H "Authorization: any-token" ${sim}/webhooks/policy-events/diverted

Ctrl-C stops all three.`);
} catch (error) {
  console.error(`npm start: ${error.message}`);
  process.exitCode = 1;
  await stop(1);
}
