// One receiver instance of the drill (drill.e2e.test.ts), run from the packed package installed in
// a scratch project: the Redis store through the ES build, the PostgreSQL store through the
// CommonJS one. Each handler's effect is a line appended to a shared file, "<event id> <pid> <ms>".
// Set by the parent: STORE (redis | postgres), STORE_URL, PORT, EFFECTS (the file), TIMEOUT_MS, LEASE_MS.
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { createNodeHandler, createWebhookReceiver } from "socotra-webhooks-contract";

const { STORE, STORE_URL, PORT, EFFECTS, TIMEOUT_MS, LEASE_MS } = process.env;
const timeoutMs = Number(TIMEOUT_MS);
const require = createRequire(import.meta.url);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let dedupe;
if (STORE === "redis") {
  const { createClient } = await import("redis");
  const { redisDedupeStore } = await import("socotra-webhooks-contract/redis");
  const client = await createClient({ url: STORE_URL }).connect();
  dedupe = redisDedupeStore({ client, keyPrefix: "drill:" });
} else {
  const { Pool } = require("pg");
  const { postgresDedupeStore } = require("socotra-webhooks-contract/postgres");
  dedupe = postgresDedupeStore({ pool: new Pool({ connectionString: STORE_URL, max: 10 }), table: "drill_dedupe" });
}

// The event's number is the last part of its id: every 20th is slower than the timeout, and every
// 40th of those then fails half the time; every tenth (from the third) does 250 ms more work after
// its effect, the window in which the drill kills an instance (its completion is then never recorded).
const receiver = createWebhookReceiver({ dedupe, handlerTimeoutMs: timeoutMs, dedupeLeaseMs: Number(LEASE_MS), onError: () => undefined }).on("*", async (event) => {
  const n = Number(event.id.slice(-6));
  if (n % 20 === 0) {
    await pause(timeoutMs * 1.5);
    if (n % 40 === 0 && Math.random() < 0.5) throw new Error("a slow handler that fails");
  }
  appendFileSync(EFFECTS, `${event.id} ${process.pid} ${Date.now()}\n`);
  if (n % 10 === 3) await pause(250);
});

const server = createServer(createNodeHandler(receiver));
server.keepAliveTimeout = 30_000;
server.listen(Number(PORT), "127.0.0.1", () => console.log("ready"));
