// The Redis and PostgreSQL dedupe stores on real servers started here: the same transitions as the
// memory store, the receiver's once-per-event scenarios, and what is specific to each engine.
import { readFileSync } from "node:fs";
import pg from "pg";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryDedupeStore, type DedupeStore } from "../../src/index.js";
import { postgresDedupeStore, postgresDedupeTableSql } from "../../src/postgres.js";
import { redisDedupeStore } from "../../src/redis.js";
import { dedupeScenarios, freshEvent, instance, pause } from "../support/dedupe-cases.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { startRedis, type RedisServer } from "../support/redis.js";

let redisServer: RedisServer;
let pgServer: PostgresServer;
let redis: ReturnType<typeof createClient>;
let pool: pg.Pool;
let tables = 0;

beforeAll(async () => {
  [redisServer, pgServer] = await Promise.all([startRedis(), startPostgres()]);
  redis = await createClient({ url: redisServer.url }).connect();
  pool = new pg.Pool({ connectionString: pgServer.url, max: 8 });
});

afterAll(async () => {
  await Promise.allSettled([redis?.quit(), pool?.end()]);
  await Promise.allSettled([redisServer?.stop(), pgServer?.stop()]);
});

const stores: [string, () => DedupeStore][] = [
  ["memory", () => memoryDedupeStore()],
  ["redis", () => redisDedupeStore({ client: redis, keyPrefix: `test:${++tables}:` })],
  ["postgres", () => postgresDedupeStore({ pool, table: `dedupe_${++tables}` })],
];

describe.each(stores.slice(1))("the receiver with the %s store", (_name, newStore) => dedupeScenarios(newStore));

describe.each(stores)("the %s store's transitions", (_name, newStore) => {
  const options = { leaseMs: 5_000, ttlMs: 60_000 };
  const claimed = async (store: DedupeStore, id: string, leaseMs = options.leaseMs) => {
    const outcome = await store.claim(id, { ...options, leaseMs });
    expect(outcome.state).toBe("claimed");
    return (outcome as { token: string }).token;
  };

  it("claims once; only the claim's token completes or releases it", async () => {
    const store = newStore();
    const token = await claimed(store, "a");
    const busy = await store.claim("a", options);
    expect(busy.state).toBe("in-progress");
    // The lease's remaining time, where the store tells it (Redis does not: one SET is the claim).
    expect((busy as { expiresInMs?: number }).expiresInMs ?? options.leaseMs).toBeGreaterThan(3_000);
    await store.release("a", "not-the-owner");
    expect(await store.complete("a", "not-the-owner", options)).toBe(false);
    expect((await store.claim("a", options)).state).toBe("in-progress");
    expect(await store.complete("a", token, options)).toBe(true);
    expect(await store.claim("a", options)).toEqual({ state: "completed" });
    await store.release("a", token);
    expect(await store.claim("a", options)).toEqual({ state: "completed" });
  });

  it("gives a released claim to the next delivery, and an expired lease too; the old token then changes nothing", async () => {
    const store = newStore();
    const first = await claimed(store, "b");
    await store.release("b", first);
    const second = await claimed(store, "b", 30);
    await pause(60);
    const third = await claimed(store, "b");
    await store.release("b", second);
    expect(await store.complete("b", second, options)).toBe(false);
    expect((await store.claim("b", options)).state).toBe("in-progress");
    expect(await store.complete("b", third, options)).toBe(true);
  });

  it("completes a claim whose lease ran out unowned, and forgets a completed record after ttlMs", async () => {
    const store = newStore();
    const token = await claimed(store, "c", 20);
    await pause(40);
    expect(await store.complete("c", token, { ttlMs: 300 })).toBe(true);
    expect((await store.claim("c", options)).state).toBe("completed");
    await pause(350);
    expect((await store.claim("c", options)).state).toBe("claimed");
  });

  it("hands one claim out of 20 at once, and treats odd ids as plain data", async () => {
    const store = newStore();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.claim("same", options)));
    expect(outcomes.filter((o) => o.state === "claimed")).toHaveLength(1);
    for (const id of ["__proto__", "constructor", "' OR 1=1; --", "ü\u0000x".replace("\u0000", ""), "a".repeat(256)]) await claimed(store, id);
  });
});

describe("redisDedupeStore", () => {
  it("sends its scripts again after the server lost them (SCRIPT FLUSH, a restart)", async () => {
    const store = redisDedupeStore({ client: redis, keyPrefix: "flush:" });
    const options = { leaseMs: 1000, ttlMs: 1000 };
    const x = (await store.claim("x", options)) as { token: string };
    expect(await store.complete("x", x.token, options)).toBe(true);
    const y = (await store.claim("y", options)) as { token: string };
    expect(await redis.get("flush:y")).toBe(`p:${y.token}`);
    await redis.scriptFlush();
    expect(await store.complete("y", y.token, options)).toBe(true);
    expect(await redis.get("flush:y")).toBe("c");
  });

  it("answers 503, never 200, while its server is gone, and lets no rejection go unhandled", async () => {
    const server = await startRedis();
    const client = createClient({ url: server.url, socket: { reconnectStrategy: 20 } });
    client.on("error", () => undefined);
    await client.connect();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      let runs = 0;
      const { deliver, errors } = instance(redisDedupeStore({ client, keyPrefix: "gone:" }), async () => {
        runs += 1;
        await gate;
      }, { handlerTimeoutMs: 300 });
      const [event, other] = [freshEvent(), freshEvent()];
      const first = deliver(event);
      await pause(50);
      await server.stop();
      open();
      // The handlers ran, but their completion cannot be recorded: 200 if the store says so at once, else 503.
      expect([200, 503]).toContain(await first);
      expect([await deliver(event), await deliver(other), runs]).toEqual([503, 503, 1]);
      expect(errors.length).toBeGreaterThan(0);
      client.destroy();
      await pause(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("refuses a client that is not node-redis's, and a prefix that is not a string", () => {
    expect(() => redisDedupeStore({ client: {} as never })).toThrow(/`client` must be a connected node-redis client/);
    expect(() => redisDedupeStore({ client: redis, keyPrefix: 1 as never })).toThrow(/`keyPrefix`/);
  });
});

describe("postgresDedupeStore", () => {
  it("creates its table when missing, also in a schema, from several instances at once", async () => {
    await pool.query("CREATE SCHEMA hooks");
    const instances = Array.from({ length: 4 }, () => postgresDedupeStore({ pool, table: "hooks.dedupe" }));
    const outcomes = await Promise.all(instances.map((store) => store.claim("one", { leaseMs: 1000, ttlMs: 1000 })));
    expect(outcomes.filter((o) => o.state === "claimed")).toHaveLength(1);
    const { rows } = await pool.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'hooks'");
    expect(rows.map((r) => r.indexname).sort()).toEqual(["dedupe_expires_at", "dedupe_pkey"]);
  });

  it("reclaims expired rows", async () => {
    const store = postgresDedupeStore({ pool, table: "swept", sweepIntervalMs: 1 });
    for (const id of ["a", "b", "c"]) await store.claim(id, { leaseMs: 1, ttlMs: 1 });
    await pause(20);
    await store.claim("d", { leaseMs: 1000, ttlMs: 1000 });
    for (let tries = 0; tries < 50 && Number((await pool.query("SELECT count(*) FROM swept")).rows[0].count) > 1; tries++) await pause(20);
    expect((await pool.query("SELECT id FROM swept")).rows).toEqual([{ id: "d" }]);
  });

  it("answers 503 when the pool has no free connection within handlerTimeoutMs, and gives the claim that lands later back", async () => {
    const small = new pg.Pool({ connectionString: pgServer.url, max: 1 });
    try {
      let runs = 0;
      const store = postgresDedupeStore({ pool: small, table: "exhausted" });
      await store.claim("warm-up", { leaseMs: 1000, ttlMs: 1000 });
      const { deliver } = instance(store, () => void (runs += 1), { handlerTimeoutMs: 100, dedupeLeaseMs: 60_000 });
      const held = await small.connect();
      const event = freshEvent();
      expect([await deliver(event), runs]).toEqual([503, 0]);
      held.release();
      await pause(100);
      // Not held until the lease of 60 s runs out: the claim that landed after the 503 was released.
      expect([await deliver(event), runs]).toEqual([200, 1]);
    } finally {
      await small.end();
    }
  });

  it("ships the SQL it runs, for teams that run migrations", () => {
    expect(readFileSync(new URL("../../sql/postgres-dedupe.sql", import.meta.url), "utf8")).toBe(postgresDedupeTableSql());
  });

  it.each(['x"; DROP TABLE y; --', "a.b.c", "", "1table", "a".repeat(64)])("refuses the table name %j", (table) => {
    expect(() => postgresDedupeStore({ pool, table })).toThrow(/`table` must be a table name/);
  });
});
