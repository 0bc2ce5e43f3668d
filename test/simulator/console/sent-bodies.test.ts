// The bodies the console shows: kept by event id, bounded by count and bytes, alerts left out,
// and the fetch the simulator uses called as before.
import { describe, expect, it } from "vitest";
import { eventIdOf, SentBodies } from "../../../src/simulator/console/sent-bodies.js";

const body = (id: string, data: unknown = {}) => JSON.stringify({ id, timestamp: "1", transactionId: "t", type: "policy.issue", username: "u", data });

describe("SentBodies", () => {
  it("tells an event body from an alert and from anything else", () => {
    expect(eventIdOf(body("e1"))).toBe("e1");
    expect(eventIdOf(JSON.stringify({ actualStatus: "500", eventData: {}, expectedStatus: "200", url: "u", webhookName: {} }))).toBeUndefined();
    expect(eventIdOf("not json")).toBeUndefined();
    expect(eventIdOf("{broken")).toBeUndefined();
    expect(eventIdOf('{"id":1,"type":"x","data":{}}')).toBeUndefined();
  });

  it("keeps the newest body of each event id, and forgets the oldest beyond its bounds", () => {
    const sent = new SentBodies({ maxBodies: 2, maxBytes: 10_000 });
    sent.remember(body("a"));
    sent.remember(body("b"));
    sent.remember(body("a", { again: true }));
    sent.remember(body("c"));
    expect(sent.get("b")).toBeUndefined();
    expect(sent.get("a")).toBe(body("a", { again: true }));
    expect(sent.get("c")).toBe(body("c"));
    const small = new SentBodies({ maxBodies: 100, maxBytes: body("x").length * 2 });
    for (const id of ["x", "y", "z"]) small.remember(body(id));
    expect([small.get("x"), small.size]).toEqual([undefined, 2]);
    small.remember(body("huge", "h".repeat(1000)));
    expect(small.get("huge")).toBeUndefined();
    expect(small.get("__proto__")).toBeUndefined();
  });

  it("taps the simulator's fetch: remembers the body, then calls the fetch it wraps", async () => {
    const sent = new SentBodies();
    const calls: string[] = [];
    const tapped = sent.tap(async (url: string) => (calls.push(url), new Response(null, { status: 204 })));
    const answer = await (tapped as (url: string, init: { body: string }) => Promise<Response>)("http://r/", { body: body("e") });
    expect([answer.status, calls, sent.get("e")]).toEqual([204, ["http://r/"], body("e")]);
    // Not a function: handed back, for createSimulator to refuse as before.
    expect(sent.tap("nope" as unknown)).toBe("nope");
  });
});
