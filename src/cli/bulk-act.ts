// Carrying out a planned bulk run (bulk-plan.ts): one request per transaction id, each recorded in
// the ledger before it goes out and again with its outcome (outcomes.ts decides which), at the
// concurrency and rate asked, with progress on stderr. Ctrl-C lets the requests in flight finish;
// a refused token or a ledger that cannot be written stops the rest.
import type { WebhooksClient } from "../client.js";
import { runBulk } from "./bulk.js";
import type { Transaction } from "./bulk-plan.js";
import { type Context, describeError, describeStatus } from "./context.js";
import type { Ledger } from "./ledger.js";
import { classifyAnswer } from "./outcomes.js";
import { createProgress } from "./progress.js";
import type { Result } from "./report.js";

export interface BulkWork {
  client: WebhooksClient;
  action: "resend" | "delete";
  name: string;
  baseUrl: string;
  /** Resend's ledger (none for delete or a dry run). */
  ledger: Ledger | undefined;
  toAct: readonly Transaction[];
  /** Each transaction's result, filled in as its request ends. */
  results: Map<string, Result>;
  concurrency: number;
  rate: number | undefined;
}

export interface BulkRun {
  /** Ctrl-C came before every request had started. */
  interrupted: boolean;
  /** Why the run stopped early (a refused token, a ledger that cannot be written), or undefined. */
  stopReason: string | undefined;
}

export async function executeBulk(ctx: Context, { client, action, name, baseUrl, ledger, toAct, results, concurrency, rate }: BulkWork): Promise<BulkRun> {
  // Ctrl-C, or a reason that makes every further request pointless (a refused token, a ledger that cannot be written).
  const stop = new AbortController();
  let stopReason: string | undefined;
  const onInterrupt = () => stop.abort();
  ctx.signal.addEventListener("abort", onInterrupt, { once: true });
  if (ctx.signal.aborted) stop.abort();
  try {
    const progress = await createProgress(ctx.stderr, action, toAct.length);
    await runBulk({
      items: toAct,
      concurrency,
      ratePerSecond: rate,
      signal: stop.signal,
      act: async (transaction) => {
        const result = results.get(transaction.transactionId)!;
        Object.assign(result, await act(client, action, name, transaction.transactionId, ledger, baseUrl));
        const refused = result.status === 401 || result.status === 403;
        if ((refused || result.reason?.startsWith("not sent: the ledger")) && stopReason === undefined) {
          stopReason = refused ? `stopped: ${describeStatus(result.status!, action)}` : `stopped: ${result.reason}`;
          stop.abort();
        }
        progress.tick(result.outcome === "failed" || result.outcome === "unknown");
      },
    });
    progress.stop();
  } finally {
    ctx.signal.removeEventListener("abort", onInterrupt);
  }
  const interrupted = ctx.signal.aborted && stopReason === undefined && toAct.some((transaction) => results.get(transaction.transactionId)!.outcome === "not-attempted");
  return { interrupted, stopReason };
}

async function act(
  client: WebhooksClient,
  action: "resend" | "delete",
  name: string,
  transactionId: string,
  ledger: Ledger | undefined,
  baseUrl: string,
): Promise<Pick<Result, "outcome" | "status" | "reason">> {
  const entry = { baseUrl, webhook: name, transactionId };
  try {
    await ledger?.record({ ...entry, state: "sending" });
  } catch (error) {
    return { outcome: "failed", reason: `not sent: the ledger could not be written (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
  let outcome: Pick<Result, "outcome" | "status" | "reason">;
  const done = action === "resend" ? "resent" : "deleted";
  try {
    // The status decides (the spec gives no body): a body is never read, so an odd or broken one
    // cannot turn a 2xx, which proves the platform acted, into an unknown outcome.
    const params = { params: { path: { name, transactionId } }, parseAs: "stream" as const };
    const { response } = action === "resend" ? await client.POST("/webhooks/{name}/diverted/{transactionId}/resend", params) : await client.DELETE("/webhooks/{name}/diverted/{transactionId}", params);
    await response.body?.cancel().catch(() => undefined);
    const rule = classifyAnswer({ status: response.status });
    if (response.status === 404 && action === "delete") outcome = { outcome: "deleted", status: 404, reason: "already gone" };
    else if (rule.outcome === "done") outcome = { outcome: done, status: response.status };
    else {
      const said = response.status === 404 ? "no longer diverted (404)" : describeStatus(response.status, action);
      outcome = { outcome: rule.outcome, status: response.status, reason: rule.outcome === "unknown" ? `${said}: ${rule.why}` : said };
    }
  } catch (error) {
    const rule = classifyAnswer({ error });
    outcome = { outcome: rule.outcome === "done" ? "unknown" : rule.outcome, reason: `${describeError(error)}${rule.outcome === "unknown" ? `: ${rule.why}` : ""}` };
  }
  const state = outcome.outcome === "resent" ? "resent" : outcome.outcome === "unknown" ? "unknown" : "failed";
  await ledger?.record({ ...entry, state, ...(outcome.status !== undefined && { status: outcome.status }) }).catch(() => {
    outcome.reason = `${outcome.reason ?? ""} (the ledger could not record the outcome: the next run treats it as unknown)`.trim();
  });
  return outcome;
}
