// Figure 1c, the receiver with the Redis dedupe store: createNodeHandler(receiver) with
// redisDedupeStore against a bare node:http server that makes the same round trips to the same
// Redis itself (SET key NX PX lease to claim, SET key PX ttl to mark the event done), at
// concurrency 16 and 64 on loopback, every request a new event (a fresh id, same size), each
// server in a process of its own with its own client. Rounds mirrored (A B B A), the ratio the
// median of the per-round ratios. Starts its own redis-server (Debian's `redis-server` package).
import { fork, spawn } from "node:child_process";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import { openPool } from "./http-pool.js";
import { median, row } from "./lib.js";
import { deliveryText } from "./payloads.js";

const body = deliveryText(500);
const id = JSON.parse(body).id;
const LEASE_MS = 30_000;
const TTL_MS = 24 * 60 * 60 * 1000;

async function serve(kind, url) {
  const client = await createClient({ url }).connect();
  let handler;
  if (kind === "bare") {
    handler = (req, res) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", async () => {
        const key = `bare:${JSON.parse(Buffer.concat(chunks).toString()).id}`;
        if ((await client.set(key, "1", { NX: true, PX: LEASE_MS })) === "OK") await client.set(key, "done", { PX: TTL_MS });
        res.end();
      });
    };
  } else {
    const { createNodeHandler, createWebhookReceiver } = await import("../dist/index.js");
    const { redisDedupeStore } = await import("../dist/redis.js");
    handler = createNodeHandler(createWebhookReceiver({ dedupe: redisDedupeStore({ client, keyPrefix: "receiver:" }) }).on("*", () => undefined));
  }
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (message) => {
    if (message === "stats") process.send({ cpu: process.cpuUsage() });
  });
  process.on("disconnect", () => process.exit(0));
}

let serial = 0;
/** The same delivery with a new event id each time, of the same length. */
function nextRequest() {
  const text = body.replace(id, `${id.slice(0, 24)}${String(++serial).padStart(12, "0")}`);
  return Buffer.from(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

async function startRedis() {
  const port = await new Promise((resolve) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: "ignore" });
  server.once("error", (error) => {
    throw new Error(`redis-server could not start (apt-get install -y redis-server): ${error.message}`);
  });
  process.once("exit", () => server.kill("SIGKILL"));
  const url = `redis://127.0.0.1:${port}`;
  for (let tries = 0; tries < 200; tries += 1) {
    const client = createClient({ url, socket: { reconnectStrategy: false } }).on("error", () => undefined);
    try {
      await client.connect();
      await client.quit();
      return { url, stop: () => server.kill("SIGKILL") };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  server.kill("SIGKILL");
  throw new Error(`redis-server did not answer on port ${port} within 10 s`);
}

async function start(kind, url) {
  const child = fork(fileURLToPath(import.meta.url), ["serve", kind, url], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  const stats = () => new Promise((resolve) => (child.once("message", resolve), child.send("stats")));
  return { kind, port, stats, stop: () => child.kill() };
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
  const roundMs = Number(process.env.BENCH_ROUND_MS ?? 600);
  const redis = await startRedis();
  const servers = [await start("bare", redis.url), await start("receiver", redis.url)];
  const rows = [];
  try {
    for (const concurrency of [16, 64]) {
      const samples = { bare: { rps: [], cpu: [] }, receiver: { rps: [], cpu: [] } };
      const pools = new Map();
      for (const server of servers) pools.set(server, await openPool(server.port, nextRequest, concurrency));
      for (const server of servers) await pools.get(server).run(300); // warm-up
      for (let round = 0; round < rounds; round += 1) {
        const order = round % 2 ? [...servers].reverse() : servers;
        const before = new Map();
        for (const server of servers) before.set(server, (await server.stats()).cpu);
        const totals = new Map(servers.map((server) => [server, { ok: 0, ms: 0 }]));
        for (const server of [...order, ...[...order].reverse()]) {
          const started = performance.now();
          const total = totals.get(server);
          total.ok += await pools.get(server).run(roundMs / 2);
          total.ms += performance.now() - started;
        }
        for (const server of servers) {
          const { cpu } = await server.stats();
          const { ok, ms } = totals.get(server);
          const was = before.get(server);
          samples[server.kind].rps.push(ok / (ms / 1000));
          samples[server.kind].cpu.push((cpu.user + cpu.system - was.user - was.system) / ok);
        }
      }
      for (const pool of pools.values()) pool.close();
      const common = { figure: "1c. Receiving with the Redis dedupe store", paired: true };
      rows.push(
        row({
          ...common,
          subject: `createNodeHandler(receiver) + redisDedupeStore, 0.5 KB, a new event each, concurrency ${concurrency}`,
          baseline: "bare node:http: JSON.parse, SET NX PX, SET, 200",
          unit: "req/s",
          subjectSamples: samples.receiver.rps,
          baselineSamples: samples.bare.rps,
          target: 0.9,
          higherIsBetter: true,
          note: `ratio: median of ${rounds} paired rounds; ratio of medians ${(median(samples.receiver.rps) / median(samples.bare.rps)).toFixed(3)}x`,
          ifMissed: "Measured on loopback with Redis, both servers and the load generator on the same shared cores; see the CPU-per-request row.",
        }),
        row({ ...common, subject: `the same: server CPU per request, concurrency ${concurrency}`, baseline: "bare node:http with the same round trips", unit: "µs/req", subjectSamples: samples.receiver.cpu, baselineSamples: samples.bare.cpu, note: `ratio: median of ${rounds} paired rounds` }),
      );
    }
  } finally {
    for (const server of servers) server.stop();
    redis.stop();
  }
  console.log(JSON.stringify(rows));
}

if (process.argv[2] === "serve") await serve(process.argv[3], process.argv[4]);
else await main();
