// The bulk run's decision per transaction, from the ledger's record and the options, as a table.
import { describe, expect, it } from "vitest";
import { ALREADY_RESENT, decide, type DecisionOptions } from "../../src/cli/ledger-decision.js";
import type { LedgerState } from "../../src/cli/ledger.js";
import { UNKNOWN_SKIPPED } from "../../src/cli/report.js";

const resend: DecisionOptions = { action: "resend", guarded: true, dryRun: false, force: false, retryUnknown: false };
const del: DecisionOptions = { action: "delete", guarded: false, dryRun: false, force: false, retryUnknown: false };
const ACT = { act: true, outcome: "not-attempted" };
const skipped = (reason: string) => ({ act: false, outcome: "skipped", reason });

describe("decide(ledger state, listed, options)", () => {
  it.each<[string, LedgerState | undefined, boolean, DecisionOptions, object]>([
    // resend: the ledger guards it
    ["never resent", undefined, true, resend, ACT],
    ["failed before: safe to retry", "failed", true, resend, ACT],
    ["resent before", "resent", true, resend, skipped(ALREADY_RESENT)],
    ["resent before, --force", "resent", true, { ...resend, force: true }, ACT],
    ["sending when a run died", "sending", true, resend, skipped(UNKNOWN_SKIPPED)],
    ["unknown outcome", "unknown", true, resend, skipped(UNKNOWN_SKIPPED)],
    ["unknown outcome, --retry-unknown", "unknown", true, { ...resend, retryUnknown: true }, ACT],
    ["sending, --retry-unknown", "sending", true, { ...resend, retryUnknown: true }, ACT],
    ["unknown outcome, --force", "unknown", true, { ...resend, force: true }, ACT],
    ["resent before, --retry-unknown is not --force", "resent", true, { ...resend, retryUnknown: true }, skipped(ALREADY_RESENT)],
    ["dry run", undefined, true, { ...resend, dryRun: true }, { act: false, outcome: "would-resend" }],
    ["dry run, resent before", "resent", true, { ...resend, dryRun: true }, skipped(ALREADY_RESENT)],
    ["named but not listed", undefined, false, resend, { act: false, outcome: "failed", reason: "not in the diverted list of hooks" }],
    ["named, not listed, resent before", "resent", false, resend, skipped(ALREADY_RESENT)],
    ["named, not listed, resent before, --force", "resent", false, { ...resend, force: true }, { act: false, outcome: "failed", reason: "not in the diverted list of hooks" }],
    // delete: idempotent, no ledger
    ["delete", undefined, true, del, ACT],
    ["delete, dry run", undefined, true, { ...del, dryRun: true }, { act: false, outcome: "would-delete" }],
    ["delete, named but not listed: already gone", undefined, false, del, skipped("not in the diverted list of hooks (already gone)")],
  ])("%s", (_, state, listed, options, expected) => {
    expect(decide(state, listed, "hooks", options)).toEqual(expected);
  });
});
