// Planning a bulk run (diverted resend, delete): from a snapshot of the diverted events and the
// selection, which transactions to act on, each with its decision (ledger-decision.ts), and what
// the operator must be told first (transactions only partly selected, ids not listed). Pure: the
// listing and the requests are elsewhere (diverted.ts, bulk-act.ts).
import type { WebhookDivertedEventResponse } from "../../generated/schema.js";
import type { LedgerState } from "./ledger.js";
import { decide, type DecisionOptions } from "./ledger-decision.js";
import type { Result } from "./report.js";
import { selects, type Selection } from "./selection.js";

export type DivertedEvent = Pick<WebhookDivertedEventResponse, "transactionId" | "eventType" | "timestamp" | "eventId">;

export interface Transaction {
  transactionId: string;
  events: DivertedEvent[];
  selected: DivertedEvent[];
}

export interface BulkPlan {
  /** Every transaction selected or named, by id, with its outcome so far. */
  results: Map<string, Result>;
  /** The transactions a request goes out for, in the order listed. */
  toAct: Transaction[];
  /** Selected transactions that also hold events the selection left out (the platform acts on the transaction id). */
  partial: Transaction[];
}

/** The selected events by transaction, in the order the platform listed them; transactions with none selected are left out. */
export function groupByTransaction(events: readonly DivertedEvent[], selection: Selection): Transaction[] {
  const byId = new Map<string, Transaction>();
  for (const event of events) {
    let transaction = byId.get(event.transactionId);
    if (transaction === undefined) byId.set(event.transactionId, (transaction = { transactionId: event.transactionId, events: [], selected: [] }));
    transaction.events.push(event);
    if (selects(selection, event)) transaction.selected.push(event);
  }
  return [...byId.values()].filter((transaction) => transaction.selected.length > 0);
}

/**
 * The plan of a run over `events` (the snapshot) for `webhook`: `recorded` tells what the ledger
 * holds of a transaction id (undefined without a ledger).
 */
export function planBulk(
  events: readonly DivertedEvent[],
  selection: Selection,
  webhook: string,
  recorded: (transactionId: string) => LedgerState | undefined,
  options: DecisionOptions,
): BulkPlan {
  const transactions = groupByTransaction(events, selection);
  const results = new Map<string, Result>();
  const toAct: Transaction[] = [];
  for (const transaction of transactions) {
    const { act, outcome, reason } = decide(recorded(transaction.transactionId), true, webhook, options);
    results.set(transaction.transactionId, {
      transactionId: transaction.transactionId,
      eventTypes: [...new Set(transaction.selected.map((event) => String(event.eventType)))],
      events: transaction.events.length,
      partial: transaction.selected.length < transaction.events.length,
      outcome,
      ...(reason !== undefined && { reason }),
    });
    if (act) toAct.push(transaction);
  }
  for (const id of selection.transactionIds) {
    if (results.has(id)) continue;
    const { outcome, reason } = decide(recorded(id), false, webhook, options);
    results.set(id, { transactionId: id, eventTypes: [], events: 0, partial: false, outcome, ...(reason !== undefined && { reason }) });
  }
  return { results, toAct, partial: transactions.filter((transaction) => transaction.selected.length < transaction.events.length) };
}
