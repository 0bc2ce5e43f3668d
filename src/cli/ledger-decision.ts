// Whether a bulk run acts on a transaction, from what the ledger recorded of earlier runs and the
// operator's options: the one home of that decision, a pure function tested as a table
// (test/cli/ledger-decision.test.ts). Resend is guarded by the ledger (not idempotent, per the
// spec's x-idempotent); delete is not. An earlier outcome that is unknown is never repeated
// unless the operator says so (--retry-unknown, after checking the receiver).
import type { LedgerState } from "./ledger.js";
import { UNKNOWN_SKIPPED, type Outcome } from "./report.js";

export interface DecisionOptions {
  action: "resend" | "delete";
  /** The ledger guards this action (resend). */
  guarded: boolean;
  dryRun: boolean;
  /** --force: act even on what the ledger says was resent, or may have been. */
  force: boolean;
  /** --retry-unknown: act on what an earlier run left with an unknown outcome. */
  retryUnknown: boolean;
}

export interface Decision {
  /** A request goes out for the transaction. */
  act: boolean;
  /** Its outcome before any request: `not-attempted` until one ends, else final. */
  outcome: Outcome;
  reason?: string;
}

export const ALREADY_RESENT = "already resent (ledger)";

/**
 * The decision for one transaction: `state` is what the ledger recorded of it (undefined: nothing,
 * or no ledger), `listed` whether the platform's diverted list holds it (a transaction id named on
 * the command line may not be there), `webhook` the webhook's name as the reason shows it.
 */
export function decide(state: LedgerState | undefined, listed: boolean, webhook: string, options: DecisionOptions): Decision {
  const { action, guarded, dryRun, force, retryUnknown } = options;
  if (!listed) {
    if (state === "resent" && !force) return { act: false, outcome: "skipped", reason: ALREADY_RESENT };
    return guarded
      ? { act: false, outcome: "failed", reason: `not in the diverted list of ${webhook}` }
      : { act: false, outcome: "skipped", reason: `not in the diverted list of ${webhook} (already gone)` };
  }
  if (guarded && !force) {
    if (state === "resent") return { act: false, outcome: "skipped", reason: ALREADY_RESENT };
    if ((state === "sending" || state === "unknown") && !retryUnknown) return { act: false, outcome: "skipped", reason: UNKNOWN_SKIPPED };
  }
  if (dryRun) return { act: false, outcome: action === "resend" ? "would-resend" : "would-delete" };
  return { act: true, outcome: "not-attempted" };
}
