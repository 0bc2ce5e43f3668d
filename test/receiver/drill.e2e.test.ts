// The drill: three receiver processes from the packed package, sharing one store (once Redis, once
// PostgreSQL), with the sender playing the platform: 2,000 events, each delivered three times to
// random instances, several at once, and every delivery that got no 2xx retried (bounded). 5% of
// handlers are slower than handlerTimeoutMs and some of those then fail; the store stalls for
// longer than handlerTimeoutMs; one instance is killed with SIGKILL mid-run and started again.
// Every event's handlers must have completed (0 lost). The kill lands while a handler of the killed
// instance has done its effect and still runs (every tenth event works 250 ms after its effect), so
// at least one event completes twice; each must be explained: one completion in the killed process,
// before the kill, and one elsewhere (the one thing a store cannot prevent: docs/several-instances.md).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_EXAMPLES } from "../../src/index.js";
import { freePort, pause } from "../support/guard.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { startRedis, type RedisServer } from "../support/redis.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const EVENTS = 2_000;
const DELIVERIES = 3;
const CONCURRENCY = 24;
const TIMEOUT_MS = 300;
const LEASE_MS = 3_000;
const MAX_ATTEMPTS = 80;

let work: string;
let redisServer: RedisServer | undefined;
let pgServer: PostgresServer | undefined;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "socotra-drill-"));
  const started = Promise.all([startRedis(), startPostgres()]);
  await run(process.execPath, [join(root, "scripts", "build.js"), "--runtime"], { cwd: root });
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root });
  const [packed] = JSON.parse(stdout) as [{ filename: string }];
  await writeFile(join(work, "package.json"), JSON.stringify({ name: "drill", private: true, type: "module" }));
  // The clients are this repository's own copies, linked, so that the install stays fast and offline.
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename), ...["redis", "pg"].map((name) => `file:${join(root, "node_modules", name)}`)], { cwd: work });
  await copyFile(join(root, "test", "receiver", "drill-instance.mjs"), join(work, "instance.mjs"));
  [redisServer, pgServer] = await started;
}, 300_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.allSettled([redisServer?.stop(), pgServer?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

function startInstance(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["instance.mjs"], { cwd: work, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("a drill instance did not listen within 20 s")), 20_000);
    child.stdout!.once("data", () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`a drill instance exited (${code ?? signal}) before it listened`));
    });
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(port: number, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: 5_000 }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    // No answer (refused, reset, killed mid-request) is no 2xx: the platform retries.
    req.once("error", () => resolve(0));
    req.once("timeout", () => req.destroy());
    req.end(body);
  });
}

const example = WEBHOOK_EXAMPLES.eventDelivery[0]!;
const eventId = (n: number) => `${example.id.slice(0, 24)}${String(n).padStart(12, "0")}`;

async function drill(store: "redis" | "postgres", url: string, spike: () => Promise<void>) {
  const effects = join(work, `effects-${store}.txt`);
  await writeFile(effects, "");
  const ports = await Promise.all([0, 1, 2].map(() => freePort()));
  const env = (port: number) => ({ STORE: store, STORE_URL: url, PORT: String(port), EFFECTS: effects, TIMEOUT_MS: String(TIMEOUT_MS), LEASE_MS: String(LEASE_MS) });
  const instances = await Promise.all(ports.map((port) => startInstance(env(port))));
  const deliveries = Array.from({ length: EVENTS * DELIVERIES }, (_, i) => i % EVENTS).sort(() => Math.random() - 0.5);
  const answers = new Map<number, number>();
  let done = 0;
  let killedPid: number | undefined;
  let killedAt = 0;
  let gaveUp = 0;
  const chaos = (async () => {
    while (done < deliveries.length / 3) await pause(20);
    // Kill when instance 0 has just done the effect of an event that works on after it (at most 10 s of looking).
    const pid = String(instances[0]!.pid);
    for (const looking = Date.now(); Date.now() - looking < 10_000; await pause(10)) {
      const fresh = (await readFile(effects, "utf8")).split("\n").some((line) => {
        const [id = "", by, at] = line.split(" ");
        return by === pid && Number(id.slice(-6)) % 10 === 3 && Date.now() - Number(at) < 100;
      });
      if (fresh) break;
    }
    killedPid = instances[0]!.pid;
    killedAt = Date.now();
    instances[0]!.kill("SIGKILL");
    await pause(500);
    instances[0] = await startInstance(env(ports[0]!));
    while (done < (deliveries.length * 2) / 3) await pause(20);
    await spike();
  })();
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const n = deliveries[next++]!;
      const body = JSON.stringify({ ...example, id: eventId(n) });
      let status = 0;
      for (let attempt = 0; attempt < MAX_ATTEMPTS && (status < 200 || status > 299); attempt++) {
        if (attempt > 0) await pause(Math.min(25 * 2 ** attempt, 500));
        status = await post(ports[Math.floor(Math.random() * ports.length)]!, body);
        answers.set(status, (answers.get(status) ?? 0) + 1);
      }
      if (status < 200 || status > 299) gaveUp += 1;
      done += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await chaos;
  const seconds = (Date.now() - started) / 1000;
  for (const child of instances) child.kill("SIGKILL");

  const completions = new Map<string, { pid: string; at: number }[]>();
  for (const line of (await readFile(effects, "utf8")).split("\n").filter(Boolean)) {
    const [id, pid, at] = line.split(" ") as [string, string, string];
    completions.set(id, [...(completions.get(id) ?? []), { pid, at: Number(at) }]);
  }
  const lost = Array.from({ length: EVENTS }, (_, n) => eventId(n)).filter((id) => !completions.has(id));
  const twice = [...completions].filter(([, done]) => done.length > 1);
  // Explained: exactly two completions, one in the killed process before the kill, one in another process.
  const explained = ([, done]: [string, { pid: string; at: number }[]]) => {
    const killed = done.filter(({ pid }) => pid === String(killedPid));
    return done.length === 2 && killed.length === 1 && killed[0]!.at <= killedAt;
  };
  const twiceUnexplained = twice.filter((entry) => !explained(entry));
  const summary = { store, events: EVENTS, deliveries: deliveries.length, seconds, answers: Object.fromEntries(answers), gaveUp, lost: lost.length, completedTwice: twice.length, completedTwiceUnexplained: twiceUnexplained.length };
  console.log(`drill: ${JSON.stringify(summary)}`);
  return summary;
}

describe("the drill: three instances, one store, a SIGKILL, a store stall, slow and failing handlers", () => {
  it("loses no event on Redis, and completes twice only events whose handler ran in the killed process", async () => {
    const stall = await createClient({ url: redisServer!.url }).connect();
    // CLIENT PAUSE holds every client's commands: a Redis latency spike of 2x handlerTimeoutMs.
    const summary = await drill("redis", redisServer!.url, async () => void (await stall.sendCommand(["CLIENT", "PAUSE", String(TIMEOUT_MS * 2), "ALL"])));
    await stall.quit();
    expect(summary).toMatchObject({ gaveUp: 0, lost: 0, completedTwiceUnexplained: 0 });
    expect(summary.completedTwice).toBeGreaterThan(0);
    expect([summary.answers[503], summary.answers[0]]).toEqual([expect.any(Number), expect.any(Number)]);
  }, 240_000);

  it("loses no event on PostgreSQL, and completes twice only events whose handler ran in the killed process", async () => {
    const stall = new pg.Client({ connectionString: pgServer!.url });
    await stall.connect();
    // An exclusive lock held for 2x handlerTimeoutMs: every statement on the table waits.
    const summary = await drill("postgres", pgServer!.url, async () => {
      await stall.query("BEGIN");
      await stall.query("LOCK TABLE drill_dedupe IN ACCESS EXCLUSIVE MODE");
      await pause(TIMEOUT_MS * 2);
      await stall.query("COMMIT");
    });
    await stall.end();
    expect(summary).toMatchObject({ gaveUp: 0, lost: 0, completedTwiceUnexplained: 0 });
    expect(summary.completedTwice).toBeGreaterThan(0);
    expect([summary.answers[503], summary.answers[0]]).toEqual([expect.any(Number), expect.any(Number)]);
  }, 240_000);
});

