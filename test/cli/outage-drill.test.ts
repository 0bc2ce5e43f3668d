// The outage drill, end to end against the simulator, all in-process: the receiver (the package's
// own) goes down, events are diverted; it comes back; `diverted resend --all` delivers each
// exactly once; a second run resends nothing; an interrupted run resumes.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebhookReceiver, parse, type WebhookEventType } from "../../src/index.js";
import { createSimulator } from "../../src/simulator/index.js";
import { cli, tempDir, TOKEN } from "./harness.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => void (dir = await tempDir()));
afterEach(() => dir.remove());

/** The simulator delivering to the package's receiver, which can be taken down. */
function drill() {
  const received: string[] = [];
  const receiver = createWebhookReceiver().on("*", (event) => void received.push(event.id));
  const state = { up: true };
  const simulator = createSimulator({
    tokens: [TOKEN],
    integrations: { "document-service": "http://receiver.test/socotra" },
    assume: { retryDelayMs: 0 },
    fetch: (url, init) => (state.up ? receiver.handle(new Request(url, init)) : Promise.resolve(new Response("down", { status: 503 }))),
  });
  const io = { fetch: (request: Request) => simulator.handle(request), cwd: dir.path };
  let outages = 0;
  async function outage(events: number, types: WebhookEventType[] = ["policy.issue", "claim.create"]) {
    state.up = false;
    outages += 1;
    // Pairs of events share a transaction id, as one platform request can raise several events.
    for (let index = 0; index < events; index += 1) {
      const result = await simulator.emit(types[index % types.length]!, { transactionId: `outage-${outages}-tx-${Math.floor(index / 2)}` });
      expect(result.outcomes).toEqual([{ webhookName: "policy-events", outcome: "diverted" }]);
    }
    state.up = true;
  }
  return { simulator, received, io, outage, state };
}

const DEFINITION = `name: policy-events
integrationName: document-service
events: [policy.issue, claim.create]
retryStrategy: none
failureHandling: { mode: divert, actOnStatusCodes: ["503"], actOnTimeout: true }
`;

describe("outage drill", () => {
  it("apply, outage, resend --all delivers each diverted event exactly once; a second run resends nothing", async () => {
    const { simulator, received, io, outage } = drill();
    await writeFile(join(dir.path, "webhooks.yaml"), DEFINITION);
    const applied = await cli(["apply", "webhooks.yaml"], io);
    expect(applied).toMatchObject({ code: 0, stdout: "Created policy-events.\n" });
    expect((await cli(["plan", "webhooks.yaml"], io)).stdout).toMatch(/policy-events \(webhooks\.yaml\): no change/);

    await outage(240);
    const listed = await cli(["diverted", "list", "policy-events", "--json"], io);
    const diverted = parse("WebhookDivertedEventsResponse", listed.stdout).events;
    expect(diverted).toHaveLength(240);
    expect(new Set(diverted.map((event) => event.transactionId)).size).toBe(120);

    const resend = await cli(["diverted", "resend", "policy-events", "--all"], io);
    expect(resend.code).toBe(0);
    expect(resend.stdout).toMatch(/^Resent 120 transaction\(s\) of policy-events in [\d.]+ s \([\d.]+\/s\); 0 failed, 0 unknown, 0 skipped\.\n$/);
    expect(resend.stderr).toMatch(/resend: 100\/120 done, 0 failed/);
    expect(received.sort()).toEqual(diverted.map((event) => event.eventId).sort());
    expect(parse("WebhookDivertedEventsResponse", (await cli(["diverted", "list", "policy-events", "--json"], io)).stdout).events).toEqual([]);

    const again = await cli(["diverted", "resend", "policy-events", "--all", "--json"], io);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ selected: 0, resent: 0, failed: 0 });
    expect(received).toHaveLength(240);
    expect(simulator.violations()).toEqual([]);
  });

  it("an interrupted run resumes: every event delivered once over the two runs", async () => {
    const { received, io, outage } = drill();
    await writeFile(join(dir.path, "webhooks.yaml"), DEFINITION);
    expect((await cli(["apply", "webhooks.yaml"], io)).code).toBe(0);
    await outage(80);
    const interrupt = new AbortController();
    let resends = 0;
    const interrupting = {
      ...io,
      signal: interrupt.signal,
      fetch: (request: Request) => {
        if (request.method === "POST" && ++resends === 10) interrupt.abort();
        return io.fetch(request);
      },
    };
    const first = await cli(["diverted", "resend", "policy-events", "--all", "--concurrency", "4"], interrupting);
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/Interrupted: \d+ transaction\(s\) not attempted/);
    const deliveredFirst = received.length;
    expect(deliveredFirst).toBeGreaterThanOrEqual(20);
    expect(deliveredFirst).toBeLessThan(80);

    // The list may now be in another order and shorter: the second run takes a fresh snapshot.
    const second = await cli(["diverted", "resend", "policy-events", "--all"], io);
    expect(second.code).toBe(0);
    expect(received).toHaveLength(80);
    expect(new Set(received).size).toBe(80);
  });

  it("resends by transaction id and by type; a receiver still failing leaves events diverted and exits 1", async () => {
    const { received, io, outage, state } = drill();
    await writeFile(join(dir.path, "webhooks.yaml"), DEFINITION);
    expect((await cli(["apply", "webhooks.yaml"], io)).code).toBe(0);
    await outage(4, ["policy.issue", "policy.issue"]);
    const ids = parse("WebhookDivertedEventsResponse", (await cli(["diverted", "list", "policy-events", "--json"], io)).stdout).events.map((event) => event.transactionId);
    const one = await cli(["diverted", "resend", "policy-events", ids[0]!], io);
    expect(one.code).toBe(0);
    expect(received).toHaveLength(2);
    state.up = false;
    const failing = await cli(["diverted", "resend", "policy-events", "--type", "policy.*"], io);
    // The platform accepted the resend (200); the redelivery failed again and was diverted again.
    expect(failing.code).toBe(0);
    expect(received).toHaveLength(2);
    const left = parse("WebhookDivertedEventsResponse", (await cli(["diverted", "list", "policy-events", "--json"], io)).stdout).events;
    expect(left).toHaveLength(2);
  });
});
