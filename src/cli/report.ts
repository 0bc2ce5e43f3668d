// The summary of a bulk run (resend, delete): counts, then what failed, what has an unknown
// outcome and what to check before resending it, as text or one JSON document.
import type { Output } from "./output.js";
import { printable } from "./text.js";
import { table } from "./options.js";

export type Outcome = "resent" | "deleted" | "failed" | "unknown" | "skipped" | "not-attempted" | "would-resend" | "would-delete";

export interface Result {
  transactionId: string;
  eventTypes: string[];
  events: number;
  /** The transaction also holds diverted events the selection left out; the platform acts on the transaction id. */
  partial: boolean;
  outcome: Outcome;
  status?: number;
  reason?: string;
}

export const UNKNOWN_SKIPPED = "outcome of an earlier resend unknown (ledger): check the receiver, then --retry-unknown";
/** What the operator checks before resending a transaction whose outcome is unknown. */
const UNKNOWN_CHECK =
  "the platform may have acted on these, as a gateway timing out does not undo a resend: check whether the receiver got each transaction's events, in its logs or by the event ids of `diverted list --jsonl`, then resend only the ones it did not get with --retry-unknown; see docs/resend-outcomes.md";

export interface Report {
  action: "resend" | "delete";
  name: string;
  dryRun: boolean;
  interrupted: boolean;
  stopped: boolean;
  results: Result[];
  seconds: number;
  json: boolean;
}

const SHOWN_FAILURES = 50;

/** Writes the summary through `ctx` (a command's Context, or any Output). */
export async function report(ctx: Output, { action, name, dryRun, interrupted, stopped, results, seconds, json }: Report): Promise<void> {
  const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome).length;
  const done = count(action === "resend" ? "resent" : "deleted");
  const summary = {
    selected: results.filter((result) => result.events > 0).length,
    [action === "resend" ? "resent" : "deleted"]: done,
    failed: count("failed"),
    unknown: count("unknown"),
    skipped: count("skipped"),
    notAttempted: count("not-attempted"),
  };
  if (json) {
    await ctx.json({ webhook: name, action, dryRun, interrupted, stopped, summary, results }, 2);
    return;
  }
  if (dryRun) {
    const would = results.filter((result) => result.outcome.startsWith("would-"));
    if (would.length > 0) {
      await ctx.out(table(["TRANSACTION", "EVENTS", "SELECTED TYPES", "NOTE"], would.map((result) => [result.transactionId, String(result.events), result.eventTypes.join(","), result.partial ? "holds unselected events" : ""])));
    }
    await ctx.out(`\nDry run: would ${action} ${would.length} transaction(s) of ${printable(name)}; ${summary.skipped} skipped.\n`);
  } else {
    const rate = seconds > 0 ? ` (${(done / seconds).toFixed(1)}/s)` : "";
    await ctx.out(`${action === "resend" ? "Resent" : "Deleted"} ${done} transaction(s) of ${printable(name)} in ${seconds.toFixed(1)} s${rate}; ${summary.failed} failed, ${summary.unknown} unknown, ${summary.skipped} skipped.\n`);
  }
  const skipped = results.filter((result) => result.outcome === "skipped");
  if (skipped.length > 0) {
    const byReason = new Map<string, number>();
    for (const result of skipped) byReason.set(result.reason ?? "", (byReason.get(result.reason ?? "") ?? 0) + 1);
    await ctx.out(`Skipped ${skipped.length}: ${[...byReason].map(([reason, count]) => `${count} ${printable(reason)}`).join("; ")}.\n`);
    const uncertain = skipped.filter((result) => result.reason === UNKNOWN_SKIPPED);
    if (uncertain.length > 0) await ctx.out(`Outcome unknown from an earlier run, ${uncertain.length} (${UNKNOWN_CHECK}):\n`);
    for (const result of uncertain.slice(0, SHOWN_FAILURES)) await ctx.out(`  ${printable(result.transactionId)}  outcome unknown\n`);
  }
  for (const [outcome, title, note] of [
    ["failed", "Failed", "safe to run again: the next run retries them"],
    ["unknown", "Unknown outcome", action === "resend" ? UNKNOWN_CHECK : "the platform may have acted on these: list the diverted events again to see"],
  ] as const) {
    const listed = results.filter((result) => result.outcome === outcome);
    if (listed.length === 0) continue;
    await ctx.out(`${title} ${listed.length} (${note}):\n`);
    for (const result of listed.slice(0, SHOWN_FAILURES)) await ctx.out(`  ${printable(result.transactionId)}  ${printable(result.reason ?? result.outcome)}\n`);
    if (listed.length > SHOWN_FAILURES) await ctx.out(`  ... and ${listed.length - SHOWN_FAILURES} more (--json lists them all)\n`);
  }
  if (stopped) await ctx.out(`Stopped: ${summary.notAttempted} transaction(s) not attempted. Fix the cause and run the same command again${action === "resend" ? "; the ledger skips what was resent" : ""}.\n`);
  if (interrupted) await ctx.out(`Interrupted: ${summary.notAttempted} transaction(s) not attempted. Run the same command again to go on${action === "resend" ? "; the ledger skips what was resent" : ""}.\n`);
}

