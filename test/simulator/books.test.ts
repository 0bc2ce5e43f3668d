// Nothing is lost: 10,000 events to three webhooks whose receiver fails at random (5xx, timeouts,
// resets), each (event, webhook) pair ends in exactly one outcome, and the journal, the receiver,
// the diverted list and the alerts all agree. In-process (the `fetch` option) with a seeded
// decision per event and attempt, so a failure repeats whatever order the deliveries run in.
import { expect, it } from "vitest";
import { createSimulator, type Outcome } from "../../src/simulator/index.js";
import { hash, seeded } from "./helpers.js";

const EVENTS = 10_000;
const IN_FLIGHT = 64;

it("balances the books for 10,000 events with a receiver failing at random", async () => {
  const attempts = new Map<string, number>();
  const accepted = new Map<string, number>();
  let alertsReceived = 0;
  let healthy = false;
  // Bodiless answers, never read, so one of each serves every call.
  const answers = { 200: new Response(null, { status: 200 }), 500: new Response(null, { status: 500 }), 503: new Response(null, { status: 503 }) };
  const fetch = async (url: string, init: { body: string }): Promise<Response> => {
    const hook = url.slice(url.lastIndexOf("/") + 1);
    const body = JSON.parse(init.body) as { id?: string };
    if (hook === "alerts") {
      alertsReceived += 1;
      return answers[200];
    }
    const key = `${hook}|${body.id}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const roll = healthy ? 1 : seeded(hash(`${key}|${attempt}`))();
    if (roll < 0.1) return answers[503];
    if (roll < 0.15) return answers[500];
    // A receiver that never answers (and a fetch that ignores its signal): only the delivery timeout ends it.
    if (roll < 0.2) return new Promise<Response>(() => {});
    if (roll < 0.25) throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
    accepted.set(key, (accepted.get(key) ?? 0) + 1);
    return answers[200];
  };
  const integrations = Object.fromEntries(["divert", "suspend", "disabled", "alerts"].map((name) => [name, `http://receiver.test/${name}`]));
  const simulator = createSimulator({ integrations, fetch, assume: { retryDelayMs: 0, deliveryTimeoutMs: 5 } });
  const put = (body: object) => simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers: { authorization: "t", "content-type": "application/json" }, body: JSON.stringify(body) }));
  const events = ["policy.issue"] as const;
  const retries = { divert: 1, suspend: 0, disabled: 0 };
  await put({ name: "divert", integrationName: "divert", alertIntegrationName: "alerts", events, retryStrategy: "one", failureHandling: { mode: "divert", actOnStatusCodes: ["503"], actOnTimeout: true } });
  // An unlisted 500 ends `dropped` at "divert"; "suspend" is suspended by its first failure and skips events until unsuspended.
  await put({ name: "suspend", integrationName: "suspend", events, retryStrategy: "none", failureHandling: { mode: "suspend", actOnStatusCodes: ["503"], actOnTimeout: false } });
  await put({ name: "disabled", integrationName: "disabled", events, enabled: false });

  const results: Awaited<ReturnType<typeof simulator.emit>>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < EVENTS) {
        const i = next++;
        // Two events per transaction, as one platform transaction can raise several.
        results.push(await simulator.emit("policy.issue", { id: `e${i}`, transactionId: `t${i >> 1}`, data: { policyLocator: String(i) } }));
        if (i % 500 === 0) await simulator.handle(new Request("http://sim.test/webhooks/suspend/unsuspend", { method: "PATCH", headers: { authorization: "t" } }));
      }
    }),
  );

  // Every (event, webhook) pair: exactly one outcome.
  expect(results).toHaveLength(EVENTS);
  const tally: Record<Outcome, number> = { delivered: 0, diverted: 0, dropped: 0, skipped: 0, queued: 0 };
  const outcomeOf = new Map<string, Outcome>();
  for (const { event, outcomes } of results) {
    if (outcomes.map((o) => o.webhookName).sort().join() !== "disabled,divert,suspend") expect.fail(`${event.id}: ${JSON.stringify(outcomes)}`);
    for (const { webhookName, outcome } of outcomes) {
      tally[outcome] += 1;
      outcomeOf.set(`${webhookName}|${event.id}`, outcome);
    }
  }
  expect(tally.delivered + tally.diverted + tally.dropped + tally.skipped).toBe(3 * EVENTS);
  expect(tally.queued).toBe(0);
  for (const outcome of ["delivered", "diverted", "dropped", "skipped"] as const) expect(tally[outcome], outcome).toBeGreaterThan(0);

  // The receiver accepted exactly the delivered pairs, each once.
  const delivered = [...outcomeOf].filter(([, outcome]) => outcome === "delivered").map(([key]) => key);
  expect([...accepted.keys()].sort()).toEqual(delivered.sort());
  expect([...accepted.values()].every((count) => count === 1)).toBe(true);

  // The journal: every attempt the receiver saw, numbered 1..n, the last one carrying the outcome.
  const journal = simulator.deliveries();
  const perPair = new Map<string, typeof journal>();
  for (const entry of journal.filter((d) => d.kind === "event")) {
    const key = `${entry.webhookName}|${entry.eventId}`;
    perPair.set(key, [...(perPair.get(key) ?? []), entry]);
  }
  expect([...perPair.keys()].sort()).toEqual([...attempts.keys()].sort());
  const wrong: string[] = [];
  for (const [key, entries] of perPair) {
    const hook = key.split("|")[0] as keyof typeof retries;
    const outcomes = entries.filter((e) => e.outcome !== undefined).map((e) => e.outcome);
    if (!entries.every((e, i) => e.attempt === i + 1)) wrong.push(`${key}: attempts out of order`);
    if (entries.length > 1 + retries[hook] || entries.length !== attempts.get(key)) wrong.push(`${key}: ${entries.length} attempts journaled, ${attempts.get(key)} received`);
    if (outcomes.length !== 1 || entries.at(-1)!.outcome !== outcomeOf.get(key)) wrong.push(`${key}: journal says ${outcomes.join(",")}, emit said ${outcomeOf.get(key)}`);
  }
  expect(wrong).toEqual([]);
  // Skipped pairs were never attempted.
  expect([...outcomeOf].filter(([key, outcome]) => outcome === "skipped" && perPair.has(key))).toEqual([]);

  // The diverted list holds exactly the diverted pairs; each got a failure alert.
  const diverted = simulator.snapshot().webhooks.find((w) => w.webhook.name === "divert")!.diverted;
  const divertedIds = [...outcomeOf].filter(([key, outcome]) => outcome === "diverted" && key.startsWith("divert|")).map(([key]) => key.slice("divert|".length));
  expect(diverted.map((e) => e.eventId).sort()).toEqual(divertedIds.sort());
  expect(tally.diverted).toBe(divertedIds.length);
  expect(alertsReceived).toBe(divertedIds.length);
  expect(journal.filter((d) => d.kind === "failureAlert" && d.outcome === "delivered")).toHaveLength(divertedIds.length);

  // Resend every diverted transaction with the receiver healthy: each delivered exactly once, none left.
  healthy = true;
  const transactions = [...new Set(diverted.map((e) => e.transactionId))];
  const statuses = new Set<number>();
  for (const transactionId of transactions) {
    const response = await simulator.handle(new Request(`http://sim.test/webhooks/divert/diverted/${transactionId}/resend`, { method: "POST", headers: { authorization: "t" } }));
    statuses.add(response.status);
  }
  expect([...statuses]).toEqual([200]);
  expect(divertedIds.filter((id) => accepted.get(`divert|${id}`) !== 1)).toEqual([]);
  expect(simulator.snapshot().webhooks.find((w) => w.webhook.name === "divert")!.diverted).toEqual([]);
  expect(simulator.violations()).toEqual([]);
}, 30_000);
