// The outage path from the packed package, against one stand-in platform (node:http): a new event
// type in its answers, 502 and 504 on resend, a run killed mid-request leaving its lock, several
// operators at once (one behind a closed pipe), an unreachable host and a pasted token. Every
// diverted event is resent at most once, and every outcome is recorded.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.b3V0YWdlLWRyaWxs.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
const COUNT = 40;
let work: string;
let bin: string;
let server: Server;
let baseUrl: string;
const children = new Set<ChildProcess>();

/** Per transaction: how many resend requests reached the platform. */
const received = new Map<string, number>();
/** The platform's diverted list: tx-0..tx-39, two holding an event type the contract does not list. */
const events = Array.from({ length: COUNT }, (_, index) => ({
  eventId: `ev-${index}`,
  eventType: index % 10 === 3 ? "policy.brandNewType" : "policy.issue",
  timestamp: String(1_780_000_000_000 + index),
  transactionId: `tx-${index}`,
  data: {},
}));
let stallResendOf: string | undefined;

function platform(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? "/", "http://x");
  if (request.headers.authorization !== TOKEN) return void response.writeHead(401).end();
  if (request.method === "GET" && url.pathname === "/webhooks/policy-events/diverted") {
    const offset = Number(url.searchParams.get("offset"));
    const limit = Number(url.searchParams.get("limit"));
    return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ webhookName: "policy-events", events: events.slice(offset, offset + limit) }));
  }
  const resend = /^\/webhooks\/policy-events\/diverted\/(tx-\d+)\/resend$/.exec(url.pathname);
  if (request.method === "POST" && resend !== null) {
    const id = resend[1]!;
    // The platform acts on every resend that reaches it...
    received.set(id, (received.get(id) ?? 0) + 1);
    if (id === stallResendOf) return; // ...and this one's answer never comes (the run is killed meanwhile)
    // ...and its gateway gives up on two of them.
    const status = id === "tx-11" ? 502 : id === "tx-12" ? 504 : 200;
    return void response.writeHead(status).end();
  }
  response.writeHead(404).end();
}

const env = () => ({ PATH: process.env.PATH, HOME: work, SOCOTRA_TOKEN: TOKEN, SOCOTRA_BASE_URL: baseUrl });

/** Runs the installed bin through sh (for pipes), with a bound; resolves with its status and output. */
function sh(script: string, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", script], { cwd: work, env: { ...env(), BIN: bin }, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const ledger = async () => (await readFile(join(work, ".socotra-webhooks-ledger.jsonl"), "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as { transactionId: string; state: string; status?: number });
const lastStates = async () => new Map((await ledger()).map((record) => [record.transactionId, record.state]));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "outage-platform-"));
  // Built here, not by a global setup; then packed as it would be published, and installed.
  await run(process.execPath, [join(root, "scripts", "build.js"), "--runtime"], { cwd: root });
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root });
  const [packed] = JSON.parse(stdout) as [{ filename: string }];
  await writeFile(join(work, "package.json"), JSON.stringify({ name: "operator", private: true }));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)], { cwd: work });
  bin = join(work, "node_modules", ".bin", "socotra-webhooks");
  server = createServer(platform);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 240_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await rm(work, { recursive: true, force: true });
});

it("a pasted token is never echoed; an unreachable host is named, exit 1, nothing recorded as resent", async () => {
  const pasted = await sh(`"$BIN" ${TOKEN}`);
  expect(pasted.code).toBe(2);
  expect(pasted.stdout + pasted.stderr).not.toContain(TOKEN.slice(0, 20));
  // A port nothing listens on.
  const closed = createNetServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const unreachable = await sh(`"$BIN" diverted resend policy-events --all --base-url http://127.0.0.1:${port}`);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toMatch(/ECONNREFUSED \(connection refused/);
});

it("from a run killed mid-request to several operators at once: every event resent at most once, every outcome recorded", async () => {
  // 1. A run killed (SIGKILL) while the platform holds one resend: it leaves its lock and a "sending" record.
  stallResendOf = "tx-5";
  const killed = spawn(bin, ["diverted", "resend", "policy-events", "tx-5"], { cwd: work, env: env(), stdio: "ignore" });
  children.add(killed);
  for (let waited = 0; (received.get("tx-5") ?? 0) === 0; waited += 50) {
    if (waited > 30_000) throw new Error("the resend of tx-5 never reached the platform");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  killed.kill("SIGKILL");
  await new Promise((resolve) => killed.once("close", resolve));
  children.delete(killed);
  expect((await readdir(work)).some((file) => file === ".socotra-webhooks-ledger.jsonl.lock")).toBe(true);

  // 2. Four operators at once over that stale lock, one of them behind a closed pipe.
  const runs = await Promise.all([
    sh(`{ "$BIN" diverted resend policy-events --all --concurrency 4 2>&1; echo "status $?" >&3; } 3>&2 | head -1`),
    sh(`"$BIN" diverted resend policy-events --all --concurrency 4`),
    sh(`"$BIN" diverted resend policy-events --all --concurrency 4`),
    sh(`"$BIN" diverted resend policy-events --all --concurrency 4 --json`),
  ]);
  const statuses = runs.map((result, index) => (index === 0 ? Number(/status (\d+)/.exec(result.stderr)?.[1]) : result.code));
  // Whoever held the lock ran to the end (1: two unknown outcomes); the others were refused (2), or
  // came after it and found nothing left to resend (0).
  for (const status of statuses) expect([0, 1, 2]).toContain(status);
  expect(statuses.filter((status) => status === 1)).toHaveLength(1);
  const refused = runs.filter((result) => /another socotra-webhooks run \(process \d+\) is using the ledger/.test(result.stdout + result.stderr));
  expect(refused.length).toBeLessThan(4);
  for (const result of runs) expect(result.stdout + result.stderr).not.toContain(TOKEN);

  // 3. Every event resent at most once, the killed run's included.
  for (const event of events) expect(received.get(event.transactionId) ?? 0, event.transactionId).toBeLessThanOrEqual(1);
  expect([...received.values()].reduce((sum, count) => sum + count, 0)).toBe(COUNT);

  // 4. Every outcome recorded: resent, or unknown (502, 504, and the killed run's request), and no lock left.
  const states = await lastStates();
  expect(states.size).toBe(COUNT);
  const unknown = [...states].filter(([, state]) => state !== "resent").map(([id, state]) => `${id} ${state}`).sort();
  expect(unknown).toEqual(["tx-11 unknown", "tx-12 unknown", "tx-5 sending"]);
  expect((await readdir(work)).filter((file) => file.includes(".lock"))).toEqual([]);

  // 5. The next run resends nothing: it lists the unknown outcomes with what to check, and says the new event type.
  const again = await sh(`"$BIN" diverted resend policy-events --all`);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/Outcome unknown from an earlier run, 3 \(.*check whether the receiver got each transaction's events/);
  expect(again.stderr).toMatch(/policy\.brandNewType ×4/);
  expect([...received.values()].reduce((sum, count) => sum + count, 0)).toBe(COUNT);
}, 180_000);
