// The receiver's once-per-event guarantees, as scenarios any DedupeStore must pass: run against
// the memory store (test/receiver/dedupe.test.ts) and against real Redis and PostgreSQL servers
// (test/receiver/stores.test.ts). Two receivers sharing one store stand for two instances.
import { expect, it } from "vitest";
import { createWebhookReceiver, WEBHOOK_EXAMPLES, WebhookClaimLostError, type DedupeStore, type ReceiverOptions, type WebhookPayload } from "../../src/index.js";

const example = WEBHOOK_EXAMPLES.eventDelivery[0]!;
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let serial = 0;
/** A delivery of an event no other test uses. */
export const freshEvent = (): WebhookPayload => ({ ...example, id: `${example.id.slice(0, 24)}${String(++serial).padStart(12, "0")}` });

/** Wraps every method of `store` so that it waits `spike.ms` first while `spike.ms` > 0: a latency spike. */
export function spiking<T extends object>(store: T): T & { spike: { ms: number } } {
  const spike = { ms: 0 };
  const wrapped: Record<string, unknown> = { spike };
  for (const name of Object.keys(store) as (keyof T & string)[]) {
    const method = store[name];
    if (typeof method !== "function") continue;
    wrapped[name] = async (...args: unknown[]) => {
      if (spike.ms > 0) await pause(spike.ms);
      return (method as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  return wrapped as T & { spike: { ms: number } };
}

type Handler = (event: WebhookPayload) => unknown;

/** A receiver of every delivery with `handler`; its errors are collected. */
export function instance(store: unknown, handler: Handler, options: ReceiverOptions = {}) {
  const errors: unknown[] = [];
  const receiver = createWebhookReceiver({ dedupe: store as DedupeStore, onError: (error) => void errors.push(error), ...options }).on("*", handler);
  const deliver = async (event: WebhookPayload) => (await receiver.receive({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) })).status;
  return { deliver, errors };
}

/** Defines the scenarios; `makeStore` gives a store no other scenario uses. */
export function dedupeScenarios(makeStore: () => DedupeStore | Promise<DedupeStore>): void {
  // Used once first, so that its set-up (the PostgreSQL store creates its table) is not timed.
  const newStore = async () => {
    const store = await makeStore();
    await store.claim(`warm-up-${++serial}`, { leaseMs: 1000, ttlMs: 1000 });
    return store;
  };

  it("runs the handlers once per event, and again after they failed", async () => {
    const store = await newStore();
    const ran: string[] = [];
    const failing = new Set<string>();
    const { deliver } = instance(store, (event) => {
      ran.push(event.id);
      if (failing.delete(event.id)) throw new Error("fails once");
    });
    const [first, second] = [freshEvent(), freshEvent()];
    failing.add(second.id);
    expect([await deliver(first), await deliver(first), await deliver(second), await deliver(second), await deliver(second)]).toEqual([200, 200, 500, 200, 200]);
    expect(ran).toEqual([first.id, second.id, second.id]);
  });

  it("keeps a completed event when a duplicate's claim is slower than handlerTimeoutMs (a store latency spike): the 503 erases nothing", async () => {
    const store = spiking(await newStore());
    let runs = 0;
    const { deliver } = instance(store, () => void (runs += 1), { handlerTimeoutMs: 200 });
    const event = freshEvent();
    expect(await deliver(event)).toBe(200);
    store.spike.ms = 300;
    expect(await deliver(event)).toBe(503);
    await pause(350);
    store.spike.ms = 0;
    expect(await deliver(event)).toBe(200);
    expect(runs).toBe(1);
  });

  it("never lets a handler that timed out and failed late erase the claim of the retry that succeeded", async () => {
    const store = await newStore();
    let runs = 0;
    const { deliver } = instance(
      store,
      async () => {
        runs += 1;
        if (runs === 1) {
          await pause(280);
          throw new Error("failed after its delivery timed out");
        }
      },
      { handlerTimeoutMs: 200 },
    );
    const event = freshEvent();
    const first = deliver(event);
    await pause(215);
    // The retry waits for the first handling, which fails at 280 ms: it takes the event over.
    const [a, b] = await Promise.all([first, deliver(event)]);
    expect([a, b]).toEqual([503, 200]);
    await pause(40);
    expect(await deliver(event)).toBe(200);
    expect(runs).toBe(2);
  });

  it("answers a repeat at another instance with the original's outcome, and runs the handlers itself when the original fails", async () => {
    const store = await newStore();
    const ran: string[] = [];
    const one = instance(store, async () => {
      ran.push("one");
      await pause(80);
      throw new Error("the original fails");
    });
    const two = instance(store, () => void ran.push("two"));
    const event = freshEvent();
    const original = one.deliver(event);
    await pause(20);
    const repeat = await two.deliver(event);
    expect([await original, repeat]).toEqual([500, 200]);
    expect(ran).toEqual(["one", "two"]);
    const quick = freshEvent();
    const slow = instance(store, async () => void (await pause(80)));
    const slowAnswer = slow.deliver(quick);
    await pause(20);
    let repeatRan = false;
    const done = instance(store, () => void (repeatRan = true));
    expect([await done.deliver(quick), await slowAnswer, repeatRan]).toEqual([200, 200, false]);
  });

  it("lets a claim whose process died expire after its lease: 503 meanwhile, then the next delivery runs the handlers", async () => {
    const store = await newStore();
    const options = { handlerTimeoutMs: 100, dedupeLeaseMs: 400 };
    const dead = instance(store, () => new Promise(() => undefined), options);
    let runs = 0;
    const alive = instance(store, () => void (runs += 1), options);
    const event = freshEvent();
    expect(await dead.deliver(event)).toBe(503);
    expect(await alive.deliver(event)).toBe(503);
    expect(runs).toBe(0);
    await pause(300);
    expect(await alive.deliver(event)).toBe(200);
    expect([runs, await alive.deliver(event), runs]).toEqual([1, 200, 1]);
  });

  it("reports a handler that completes after its lease ran out as WebhookClaimLostError, and leaves the new owner's record alone", async () => {
    const store = await newStore();
    const options = { handlerTimeoutMs: 50, dedupeLeaseMs: 150 };
    const ran: string[] = [];
    const slow = instance(store, async () => {
      ran.push("slow");
      await pause(400);
      ran.push("slow done");
    }, options);
    const fast = instance(store, () => void ran.push("fast"), options);
    const event = freshEvent();
    const first = slow.deliver(event);
    expect(await first).toBe(503);
    await pause(200);
    expect(await fast.deliver(event)).toBe(200);
    for (let waited = 0; !ran.includes("slow done") && waited < 2_000; waited += 20) await pause(20);
    await pause(50);
    expect(slow.errors.filter((error) => error instanceof WebhookClaimLostError)).toHaveLength(1);
    // The late completion changed nothing: the event stays completed, nobody runs it again.
    expect([await fast.deliver(event), await slow.deliver(event)]).toEqual([200, 200]);
    expect(ran).toEqual(["slow", "fast", "slow done"]);
  });
}
