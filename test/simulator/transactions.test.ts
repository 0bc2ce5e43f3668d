// Resend and delete by transaction id look the transaction up: the work of one call does not grow
// with the diverted events the webhook holds (32,000 deletes one by one took 35 s when each
// scanned them all). Counted in Map iteration steps, not timed, so that load cannot fail it.
import { afterEach, expect, it } from "vitest";
import { createSimulator, type SimulatorState } from "../../src/simulator/index.js";

const webhook = { name: "w", enabled: true, events: ["policy.issue" as const], failureHandling: { actOnStatusCodes: ["500"], actOnTimeout: false, mode: "divert" as const }, integrationName: "svc", retryStrategy: "none" as const, suspended: false };
const event = (i: number, transactionId = `t${i}`) => ({ eventId: `e${i}`, eventType: "policy.issue" as const, timestamp: "1589740898000", data: { policyLocator: String(i) }, transactionId, username: "u" });
const state = (diverted: SimulatorState["webhooks"][number]["diverted"]): SimulatorState => ({ version: 1, integrations: [{ name: "svc", url: "http://127.0.0.1:9/", headers: {} }], webhooks: [{ webhook, diverted, queued: [] }] });

/** Counts the steps of every Map iterator while `task` runs. */
async function mapSteps(task: () => Promise<void>): Promise<number> {
  let steps = 0;
  const originals = { values: Map.prototype.values, keys: Map.prototype.keys, entries: Map.prototype.entries };
  const counted = (original: () => IterableIterator<unknown>) =>
    function (this: Map<unknown, unknown>) {
      const iterator = original.call(this);
      const next = iterator.next.bind(iterator);
      return Object.assign(iterator, { next: () => ((steps += 1), next()) });
    };
  for (const name of ["values", "keys", "entries"] as const) Map.prototype[name] = counted(originals[name]) as never;
  try {
    await task();
  } finally {
    Object.assign(Map.prototype, originals);
  }
  return steps;
}
afterEach(() => expect(Map.prototype.values.name).toBe("values"));

it("deletes a transaction's events without walking the others", async () => {
  const count = 2_000;
  const simulator = createSimulator();
  simulator.restore(state(Array.from({ length: count }, (_, i) => event(i))));
  const steps = await mapSteps(async () => {
    for (let i = 0; i < count; i += 1) {
      const response = await simulator.handle(new Request(`http://sim.test/webhooks/w/diverted/t${i}`, { method: "DELETE", headers: { authorization: "t" } }));
      expect(response.status).toBe(200);
    }
  });
  // A scan walks about count/2 events per delete; a lookup a handful.
  expect(steps / count).toBeLessThan(20);
  expect(simulator.snapshot().webhooks[0]!.diverted).toEqual([]);
});

it("a transaction with several events: all of them, or the oldest, in the order they were diverted", async () => {
  for (const [matches, left] of [["all", ["e1", "e4"]], ["oldest", ["e1", "e2", "e3", "e4"]]] as const) {
    const simulator = createSimulator({ assume: { transactionIdMatches: matches } });
    simulator.restore(state([event(0, "same"), event(1, "other"), event(2, "same"), event(3, "same"), event(4, "other2")]));
    const del = () => simulator.handle(new Request("http://sim.test/webhooks/w/diverted/same", { method: "DELETE", headers: { authorization: "t" } }));
    expect((await del()).status).toBe(200);
    expect(simulator.snapshot().webhooks[0]!.diverted.map((e) => e.eventId)).toEqual(left);
    if (matches === "all") expect((await del()).status).toBe(404);
  }
});
