// The hand-off examples end to end, on a redis-server and a PostgreSQL started here: a repeat of an
// event adds no second job, the 200 goes out only once the job is stored, and the worker runs it once.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handOffWithBullMQ, jobIdOf as bullJobId } from "../../examples/handoff-bullmq.js";
import { handOffWithPgBoss, jobIdOf as bossJobId, QUEUES } from "../../examples/handoff-pg-boss.js";
import { WEBHOOK_EXAMPLES, type WebhookPayload, type WebhookReceiver } from "../../src/index.js";
import { pause } from "../support/guard.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { startRedis, type RedisServer } from "../support/redis.js";

let redisServer: RedisServer;
let pgServer: PostgresServer;
beforeAll(async () => {
  [redisServer, pgServer] = await Promise.all([startRedis(), startPostgres()]);
});
afterAll(async () => {
  await Promise.allSettled([redisServer?.stop(), pgServer?.stop()]);
});

const example = WEBHOOK_EXAMPLES.eventDelivery[0]!;
const deliver = async (receiver: WebhookReceiver, event: WebhookPayload) =>
  (await receiver.receive({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) })).status;

/** Resolves once `done` holds `count` entries, or after 10 s. */
async function until(done: unknown[], count: number) {
  for (const started = Date.now(); done.length < count && Date.now() - started < 10_000; ) await pause(20);
}

describe("the BullMQ hand-off (examples/handoff-bullmq.ts)", () => {
  it("stores one job per event, keyed by its id, before the 200, and works it once", async () => {
    const worked: string[] = [];
    const { receiver, queue, close } = handOffWithBullMQ(redisServer.url, async (event) => void worked.push(event.id));
    try {
      const events = [example, { ...example, id: "has:colon" }, { ...example, id: "12345" }];
      for (const event of events) {
        expect(await Promise.all([deliver(receiver, event), deliver(receiver, event), deliver(receiver, event)])).toEqual([200, 200, 200]);
        expect(await queue.getJob(bullJobId(event.id)), event.id).toBeDefined();
      }
      await until(worked, 3);
      expect(await deliver(receiver, example)).toBe(200);
      await pause(200);
      expect(worked.sort()).toEqual(events.map((event) => event.id).sort());
    } finally {
      await close();
    }
  });
});

describe("the pg-boss hand-off (examples/handoff-pg-boss.ts)", () => {
  it("stores one job per event before the 200, in a queue per policy when the data has a locator, and works it once", async () => {
    const worked: string[] = [];
    const { receiver, close } = await handOffWithPgBoss(pgServer.url, async (event) => void worked.push(event.id));
    const db = new pg.Client({ connectionString: pgServer.url });
    await db.connect();
    try {
      const withLocator = { ...example, id: "not-a-uuid", data: { ...example.data, policyLocator: "POL-1" } } as WebhookPayload;
      const without = { ...example, id: "8e2cf3d6-1f6e-4bd4-9a0c-2f7e9a1b0c11", data: {} } as WebhookPayload;
      for (const event of [withLocator, without]) {
        expect(await Promise.all([deliver(receiver, event), deliver(receiver, event), deliver(receiver, event)])).toEqual([200, 200, 200]);
        const { rows } = await db.query("SELECT name, singleton_key FROM pgboss.job WHERE id = $1", [bossJobId(event.id)]);
        expect(rows).toEqual([event === withLocator ? { name: QUEUES.inOrder, singleton_key: "POL-1" } : { name: QUEUES.any, singleton_key: event.id }]);
      }
      await until(worked, 2);
      expect(await deliver(receiver, without)).toBe(200);
      await pause(300);
      expect(worked.sort()).toEqual([withLocator.id, without.id].sort());
    } finally {
      await db.end();
      await close();
    }
  });
});
