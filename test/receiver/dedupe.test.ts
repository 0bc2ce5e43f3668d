// Leased, owned claims with the memory store: the receiver's once-per-event scenarios (shared
// with the Redis and PostgreSQL stores), and what the receiver makes of a store that misbehaves.
import { describe, expect, it, vi } from "vitest";
import { createWebhookReceiver, memoryDedupeStore, WebhookClaimLostError, WebhooksOptionError, type DedupeStore } from "../../src/index.js";
import { dedupeScenarios, freshEvent, instance, pause, spiking } from "../support/dedupe-cases.js";

describe("the receiver with memoryDedupeStore", () => dedupeScenarios(() => memoryDedupeStore()));

describe("the receiver with a store that misbehaves", () => {
  const memory = memoryDedupeStore();
  const store = (overrides: Partial<Record<keyof DedupeStore, unknown>>) => ({ ...memory, ...overrides }) as DedupeStore;

  it.each([
    ["nothing", () => undefined],
    ["a boolean, as the older claim(key, ttlMs) did", () => Promise.resolve(true)],
    ["a claim without a token", () => ({ state: "claimed", token: "" })],
    ["an unknown state", () => ({ state: "done" })],
  ])("answers 500 and tells onError when claim returns %s, running nothing", async (_name, claim) => {
    let ran = false;
    const { deliver, errors } = instance(store({ claim }), () => void (ran = true));
    expect([await deliver(freshEvent()), ran]).toEqual([500, false]);
    expect(String((errors[0] as Error).message)).toMatch(/claim\(id, \{ leaseMs, ttlMs \}\) returned neither/);
  });

  it("answers 200 after the handlers ran when complete fails (the claim runs out with its lease)", async () => {
    const down = new Error("store down");
    const completeFails = instance(store({ complete: () => { throw down; } }), () => undefined);
    expect([await completeFails.deliver(freshEvent()), completeFails.errors]).toEqual([200, [down]]);
  });

  it("answers 503 when claim never settles, running nothing; a claim that lands after the 503 is given up for the retry", async () => {
    let ran = 0;
    const hung = instance(store({ claim: () => new Promise(() => undefined) }), () => void (ran += 1), { handlerTimeoutMs: 50 });
    expect(await hung.deliver(freshEvent())).toBe(503);
    const slow = spiking(memoryDedupeStore());
    const late = instance(slow, () => void (ran += 1), { handlerTimeoutMs: 50 });
    const event = freshEvent();
    slow.spike.ms = 100;
    expect(await late.deliver(event)).toBe(503);
    await pause(250);
    slow.spike.ms = 0;
    expect([await late.deliver(event), ran]).toEqual([200, 1]);
  });

  it("tells onError with a WebhookClaimLostError when the claim passed to another delivery before the handlers completed", async () => {
    const lost = instance(store({ complete: () => false }), () => undefined, { dedupeLeaseMs: 20_000 });
    expect(await lost.deliver(freshEvent())).toBe(200);
    expect(lost.errors).toEqual([expect.any(WebhookClaimLostError)]);
    expect((lost.errors[0] as WebhookClaimLostError).leaseMs).toBe(20_000);
  });
});

describe("memoryDedupeStore", () => {
  const options = { leaseMs: 1000, ttlMs: 60_000 };

  it("gives each claim a token; only that token completes or releases it", () => {
    const store = memoryDedupeStore();
    const first = store.claim("a", options) as { state: "claimed"; token: string };
    expect(first).toEqual({ state: "claimed", token: expect.any(String) });
    expect(store.claim("a", options)).toEqual({ state: "in-progress", expiresInMs: expect.any(Number) });
    store.release("a", "someone else's");
    expect(store.complete("a", "someone else's", options)).toBe(false);
    expect(store.complete("a", first.token, options)).toBe(true);
    expect(store.claim("a", options)).toEqual({ state: "completed" });
    store.release("a", first.token);
    expect(store.claim("a", options)).toEqual({ state: "completed" });
  });

  it("lets a lease expire and passes the claim on; the old token then changes nothing", async () => {
    const store = memoryDedupeStore();
    const old = store.claim("b", { leaseMs: 5, ttlMs: 60_000 }) as { token: string };
    await new Promise((resolve) => setTimeout(resolve, 10));
    const next = store.claim("b", options) as { state: string; token: string };
    expect(next.state).toBe("claimed");
    expect(next.token).not.toBe(old.token);
    store.release("b", old.token);
    expect(store.complete("b", old.token, options)).toBe(false);
    expect(store.complete("b", next.token, options)).toBe(true);
  });

  it("keeps at most maxKeys records, forgetting the oldest first, and caps every ttl at its own", async () => {
    const store = memoryDedupeStore({ maxKeys: 3, ttlMs: 20 });
    for (const id of ["a", "b", "c", "d"]) expect(store.claim(id, options)).toMatchObject({ state: "claimed" });
    expect(["b", "c", "d"].map((id) => store.claim(id, options).state)).toEqual(["in-progress", "in-progress", "in-progress"]);
    expect(store.claim("a", options)).toMatchObject({ state: "claimed" });
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(store.claim("b", options)).toMatchObject({ state: "claimed" });
  });

  it("treats prototype names as plain ids", () => {
    const store = memoryDedupeStore();
    for (const id of ["__proto__", "constructor", "toString"]) expect([store.claim(id, options).state, store.claim(id, options).state]).toEqual(["claimed", "in-progress"]);
  });

  it("refuses bounds that are not positive integers", () => {
    expect(() => memoryDedupeStore({ maxKeys: 0 })).toThrow(/`maxKeys`/);
    expect(() => memoryDedupeStore({ ttlMs: Number.NaN })).toThrow(/`ttlMs`/);
  });
});

describe("the receiver's dedupe under a hostile load", () => {
  it("asks the store for one id from one delivery at a time: 1,000 duplicates at once poll once each, not a herd", async () => {
    const memory = memoryDedupeStore();
    let claims = 0;
    const counted = { ...memory, claim: (id: string, options: { leaseMs: number; ttlMs: number }) => ((claims += 1), memory.claim(id, options)) };
    let runs = 0;
    const { deliver } = instance(counted, async () => {
      runs += 1;
      await pause(150);
    }, { handlerTimeoutMs: 2_000 });
    const event = freshEvent();
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => deliver(event)));
    expect([runs, answers.every((status) => status === 200)]).toEqual([1, true]);
    // The first delivery claims; the others wait for its outcome in this instance instead of each polling the store.
    expect(claims).toBeLessThan(20);
  });

  it("answers 503 (unavailable, retry) when the store throws or rejects: the outcome is unknown, not a failure", async () => {
    const down = new Error("store down");
    const memory = memoryDedupeStore();
    const rejecting = instance({ ...memory, claim: () => Promise.reject(down) }, () => undefined);
    const throwing = instance({ ...memory, claim: () => { throw down; } }, () => undefined);
    expect([await rejecting.deliver(freshEvent()), await throwing.deliver(freshEvent())]).toEqual([503, 503]);
    expect([...rejecting.errors, ...throwing.errors]).toEqual([down, down]);
  });

  it("keeps leases on a monotonic clock: a wall clock stepped forward does not hand a running claim to another delivery", async () => {
    const store = memoryDedupeStore();
    const first = store.claim("skew", { leaseMs: 60_000, ttlMs: 60_000 });
    const now = Date.now();
    const spy = vi.spyOn(Date, "now").mockImplementation(() => now + 3_600_000);
    try {
      expect(store.claim("skew", { leaseMs: 60_000, ttlMs: 60_000 }).state).toBe("in-progress");
    } finally {
      spy.mockRestore();
    }
    expect(first.state).toBe("claimed");
  });
});

describe("the dedupe options", () => {
  it.each([
    [{ dedupeLeaseMs: 0 }, "dedupeLeaseMs", "minimum"],
    [{ dedupeLeaseMs: -5 }, "dedupeLeaseMs", "minimum"],
    [{ dedupeLeaseMs: Number.NaN }, "dedupeLeaseMs", "integer"],
    [{ dedupeLeaseMs: Number.POSITIVE_INFINITY }, "dedupeLeaseMs", "integer"],
    [{ dedupeLeaseMs: 2 ** 53 }, "dedupeLeaseMs", "maximum"],
    [{ dedupeTtlMs: 0 }, "dedupeTtlMs", "minimum"],
    [{ dedupeTtlMs: 1.5 }, "dedupeTtlMs", "integer"],
    [{ dedupeTtlMs: "60000" }, "dedupeTtlMs", "integer"],
    [{ handlerTimeoutMs: 5000, dedupeLeaseMs: 5000 }, "dedupeLeaseMs", "minimum"],
    [{ dedupe: { claim: () => true } }, "dedupe", "type"],
  ])("refuses %j with a WebhooksOptionError naming the option and the rule", (options, option, rule) => {
    let thrown: unknown;
    try {
      createWebhookReceiver({ dedupe: memoryDedupeStore(), ...(options as object) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebhooksOptionError);
    expect(thrown).toMatchObject({ caller: "createWebhookReceiver", option, rule });
    expect((thrown as Error).message).toContain(`\`${option}\``);
  });

  it.each([
    [() => memoryDedupeStore({ maxKeys: 0 }), "memoryDedupeStore", "maxKeys"],
    [() => memoryDedupeStore({ ttlMs: Number.NaN }), "memoryDedupeStore", "ttlMs"],
  ])("a store refuses a bad option with a WebhooksOptionError (%#)", (make, caller, option) => {
    expect(make).toThrow(WebhooksOptionError);
    expect(make).toThrow(expect.objectContaining({ caller, option }));
  });
});
