// The bulk command's planning and reporting, each alone: which transactions a run acts on (no
// platform, no ledger file), and the summary it prints (no command).
import { describe, expect, it } from "vitest";
import { planBulk, type DivertedEvent } from "../../src/cli/bulk-plan.js";
import type { DecisionOptions } from "../../src/cli/ledger-decision.js";
import type { LedgerState } from "../../src/cli/ledger.js";
import { Output } from "../../src/cli/output.js";
import { report, type Result } from "../../src/cli/report.js";
import { parseSelection } from "../../src/cli/selection.js";

const event = (transactionId: string, eventType: string, n: number): DivertedEvent =>
  ({ transactionId, eventType, timestamp: new Date(1_790_000_000_000 + n).toISOString(), eventId: `e-${n}` }) as DivertedEvent;
const EVENTS = [event("t1", "policy.issue", 1), event("t2", "claim.create", 2), event("t2", "policy.issue", 3), event("t3", "policy.issue", 4)];
const resend: DecisionOptions = { action: "resend", guarded: true, dryRun: false, force: false, retryUnknown: false };
const ledger = (states: Record<string, LedgerState>) => (id: string) => (Object.hasOwn(states, id) ? states[id] : undefined);

describe("planBulk", () => {
  it("acts on each selected transaction once, in the order listed, skipping what the ledger says was resent", () => {
    const plan = planBulk(EVENTS, parseSelection({ type: ["policy.issue"] }, [], true), "hooks", ledger({ t3: "resent" }), resend);
    expect(plan.toAct.map((t) => t.transactionId)).toEqual(["t1", "t2"]);
    expect(plan.partial.map((t) => t.transactionId)).toEqual(["t2"]);
    expect([...plan.results.values()]).toEqual([
      { transactionId: "t1", eventTypes: ["policy.issue"], events: 1, partial: false, outcome: "not-attempted" },
      { transactionId: "t2", eventTypes: ["policy.issue"], events: 2, partial: true, outcome: "not-attempted" },
      { transactionId: "t3", eventTypes: ["policy.issue"], events: 1, partial: false, outcome: "skipped", reason: "already resent (ledger)" },
    ]);
  });

  it("reports a named transaction the list does not hold, and acts on none in a dry run", () => {
    const plan = planBulk(EVENTS, parseSelection({}, ["t1", "gone", "__proto__"], true), "hooks", ledger({}), { ...resend, dryRun: true });
    expect(plan.toAct).toEqual([]);
    expect([...plan.results.values()].map(({ transactionId, outcome }) => [transactionId, outcome])).toEqual([
      ["t1", "would-resend"],
      ["gone", "failed"],
      ["__proto__", "failed"],
    ]);
  });
});

describe("report", () => {
  const capture = () => {
    const written: string[] = [];
    return { written, output: new Output({ stdout: { write: (text: string) => written.push(text) } }, new AbortController().signal) };
  };
  const results: Result[] = [
    { transactionId: "t1", eventTypes: ["policy.issue"], events: 1, partial: false, outcome: "resent", status: 200 },
    { transactionId: "t2", eventTypes: ["policy.issue"], events: 1, partial: false, outcome: "unknown", status: 502, reason: "the platform answered 502" },
    { transactionId: "t3", eventTypes: ["policy.issue"], events: 1, partial: false, outcome: "failed", status: 400, reason: "the platform answered 400" },
  ];

  it("counts each outcome and lists what failed and what is unknown, with what to check", async () => {
    const { written, output } = capture();
    await report(output, { action: "resend", name: "hooks", dryRun: false, interrupted: false, stopped: false, results, seconds: 2, json: false });
    const text = written.join("");
    expect(text).toContain("Resent 1 transaction(s) of hooks in 2.0 s (0.5/s); 1 failed, 1 unknown, 0 skipped.");
    expect(text).toContain("Failed 1 (safe to run again: the next run retries them):\n  t3  the platform answered 400\n");
    expect(text).toMatch(/Unknown outcome 1 \(the platform may have acted on these.*--retry-unknown.*\):\n {2}t2 {2}the platform answered 502\n/);
  });

  it("writes one JSON document with --json", async () => {
    const { written, output } = capture();
    await report(output, { action: "resend", name: "hooks", dryRun: false, interrupted: true, stopped: false, results, seconds: 2, json: true });
    expect(JSON.parse(written.join(""))).toMatchObject({ webhook: "hooks", interrupted: true, summary: { selected: 3, resent: 1, failed: 1, unknown: 1, skipped: 0, notAttempted: 0 } });
  });
});
