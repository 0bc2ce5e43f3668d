// The journal read in place (simulator.journal over BoundedLog.visitNewestFirst): what a poller needs
// without the copy deliveries() makes, and an iteration that stays right while the log moves.
import { describe, expect, it } from "vitest";
import { BoundedLog } from "../../src/simulator/log.js";
import { createSimulator } from "../../src/simulator/index.js";

/** Everything a visit sees, newest first. */
const visited = <T>(log: { visitNewestFirst(visit: (entry: T) => boolean | void): void }): T[] => {
  const seen: T[] = [];
  log.visitNewestFirst((entry) => void seen.push(entry));
  return seen;
};

const filled = (max: number, count: number) => {
  const log = new BoundedLog<number>(max);
  for (let i = 1; i <= count; i += 1) log.push(i);
  return log;
};

describe("BoundedLog.visitNewestFirst", () => {
  it.each([
    [10, 0],
    [10, 7],
    [10, 10],
    [10, 11],
    [10, 12],
    [10, 23],
    [1, 5],
  ])("a log of at most %i after %i pushes: the kept entries newest first, as list() reversed", (max, count) => {
    const log = filled(max, count);
    expect(visited(log)).toEqual(log.list().reverse());
    expect(log.newest).toBe(count === 0 ? undefined : count);
    expect(log.size).toBe(Math.min(max, count));
  });

  it("goes on where it was when entries are pushed during the visit (trims included): no entry twice, none made after it began", () => {
    const log = filled(8, 8);
    const seen: number[] = [];
    let next = 9;
    log.visitNewestFirst((entry) => {
      seen.push(entry);
      // Pushes enough for a trim (beyond max + max / 8) on the way.
      log.push(next++);
      log.push(next++);
    });
    // Each trim lets go of 2: after 6, entry 5 was gone, so it ends there rather than show a later one again.
    expect(seen).toEqual([8, 7, 6]);
    expect(log.list()).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it("ends at clear(), whatever is pushed after it", () => {
    const log = filled(8, 8);
    const seen: number[] = [];
    log.visitNewestFirst((entry) => {
      seen.push(entry);
      if (entry === 7) {
        log.clear();
        for (let i = 100; i < 110; i += 1) log.push(i);
      }
    });
    expect(seen).toEqual([8, 7]);
  });

  it("stops when the visitor answers false", () => {
    const seen: number[] = [];
    filled(10, 30).visitNewestFirst((entry) => seen.push(entry) < 3);
    expect(seen).toEqual([30, 29, 28]);
  });
});

describe("simulator.journal", () => {
  it("reads what deliveries() copies: its size, its newest seq, its attempts newest first; reset() empties it, seq goes on", async () => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, limits: { maxJournal: 5 }, assume: { retryDelayMs: 0 }, fetch: async () => new Response(null, { status: 200 }) });
    expect([simulator.journal.size, simulator.journal.newestSeq, visited(simulator.journal)]).toEqual([0, 0, []]);
    const headers = { authorization: "t", "content-type": "application/json" };
    const body = JSON.stringify({ name: "w", integrationName: "svc", events: ["policy.issue"], failureHandling: { mode: "none", actOnStatusCodes: ["500"] } });
    await simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body }));
    for (let i = 0; i < 7; i += 1) await simulator.emit("policy.issue");
    const copy = simulator.deliveries();
    expect(visited(simulator.journal)).toEqual(copy.reverse());
    expect([simulator.journal.size, simulator.journal.newestSeq, simulator.journal.dropped]).toEqual([5, 7, 2]);
    simulator.reset();
    expect([simulator.journal.size, simulator.journal.newestSeq]).toEqual([0, 0]);
    await simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body }));
    await simulator.emit("policy.issue");
    expect(simulator.journal.newestSeq).toBe(8);
  });

  it("counts the diverted events per webhook, by name, __proto__ included", async () => {
    const simulator = createSimulator({ integrations: { svc: "http://127.0.0.1:9/" }, assume: { retryDelayMs: 0 }, fetch: async () => new Response(null, { status: 500 }) });
    const headers = { authorization: "t", "content-type": "application/json" };
    for (const name of ["__proto__", "quiet"]) {
      const body = JSON.stringify({ name, integrationName: "svc", events: [name === "quiet" ? "claim.create" : "policy.issue"], failureHandling: { mode: "divert", actOnStatusCodes: ["500"] }, retryStrategy: "none" });
      expect((await simulator.handle(new Request("http://sim.test/webhooks", { method: "PUT", headers, body }))).status).toBe(200);
    }
    for (let i = 0; i < 3; i += 1) await simulator.emit("policy.issue");
    expect(simulator.divertedCounts()).toEqual(new Map([["__proto__", 3], ["quiet", 0]]));
  });
});
