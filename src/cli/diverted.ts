// `diverted list | resend | delete NAME`: the events a webhook diverted after failed deliveries.
// Resend and delete act on a snapshot taken before the first request, one request per
// transaction id (the unit the platform's operations take), with limits, progress and a summary.
import { Command, Option } from "commander";
import { operationById as operation } from "../client/operations.js";
import type { WebhookDivertedEventResponse } from "../../generated/schema.js";
import { WebhooksApiError, WebhooksPaginationError } from "../errors.js";
import { iterateDivertedEvents } from "../pagination.js";
import type { WebhooksClient } from "../client.js";
import type { ContractDeviation } from "../client/deviations.js";
import { executeBulk, type BulkRun } from "./bulk-act.js";
import { planBulk, type DivertedEvent } from "./bulk-plan.js";
import { CliError, type ConnectionOptions, type Context, describeStatus, printable, usageError } from "./context.js";
import { DEFAULT_LEDGER, Ledger } from "./ledger.js";
import { checkPathArgument, collect, example, pathParameterProblem, positiveInteger, rate, withConnection } from "./options.js";
import { EXIT, exitStatusHelp } from "./output.js";
import { quotedArgument } from "./text.js";
import { monotonicNow } from "../clock.js";
import { report } from "./report.js";
import { eventTime, parseSelection, selects, type SelectionOptions } from "./selection.js";

const SHARED_TRANSACTIONS = `A transaction id can name several diverted events (one platform request can raise several).
Resend and delete take a transaction id, so one request acts on the whole transaction; which of
its events the platform resends or deletes is not documented. This command makes one request per
transaction id, and says when a selection takes only part of a transaction (delete refuses that
unless --whole-transactions).`;

const SELECTION_HELP = `
Selecting events (every filter given must match):
  --all                  every diverted event
  --type TYPE            an event type, or an entity wildcard such as claim.* (repeatable)
  --since, --until WHEN  from (inclusive) / before (exclusive) WHEN: epoch milliseconds, an ISO
                         date (midnight UTC) or an ISO date-time with its zone
  TRANSACTION_ID...      these transactions

${SHARED_TRANSACTIONS}
`;

function addSelection(command: Command, { required }: { required: boolean }): Command {
  if (required) command.option("--all", "every diverted event");
  return command
    .option("--type <type>", "an event type or entity wildcard (claim.*); repeatable", collect)
    .option("--since <when>", "events at or after WHEN")
    .option("--until <when>", "events before WHEN");
}

/** Every diverted event of `name`, read in full before anything acts on it. */
async function snapshot(ctx: Context, client: WebhooksClient, name: string, operationId: string): Promise<{ events: DivertedEvent[]; unreadable: number; deviations: ContractDeviation[] }> {
  const events: DivertedEvent[] = [];
  const deviations: ContractDeviation[] = [];
  let unreadable = 0;
  for await (const event of listEvents(client, name, deviations)) {
    if (ctx.signal.aborted) throw new CliError("interrupted while listing the diverted events; nothing was changed", 130);
    if (typeof event.transactionId !== "string" || pathParameterProblem(operationId, "transactionId", event.transactionId) !== undefined) unreadable += 1;
    else events.push({ transactionId: event.transactionId, eventType: event.eventType, timestamp: event.timestamp, eventId: event.eventId });
  }
  ctx.noteDeviations(`the diverted events of ${printable(name)}`, deviations);
  return { events, unreadable, deviations };
}

/**
 * Every page, once: a platform that ignored `offset` would answer the same full page forever, so
 * an event id seen twice ends the listing rather than memory.
 */
async function* listEvents(client: WebhooksClient, name: string, deviations: ContractDeviation[]): AsyncGenerator<WebhookDivertedEventResponse> {
  const seen = new Set<string>();
  try {
    for await (const event of iterateDivertedEvents(client, name, { pageSize: 1000, onDeviation: (deviation) => deviations.push(deviation) })) {
      if (typeof event.eventId === "string") {
        if (seen.has(event.eventId)) throw new CliError(`the platform listed the diverted event ${printable(event.eventId)} twice while paging (does it ignore offset?); nothing was changed`, 1);
        seen.add(event.eventId);
      }
      yield event;
    }
  } catch (error) {
    if (error instanceof WebhooksApiError) {
      throw new CliError(error.status === 404 ? `no webhook named ${printable(name)}` : describeStatus(error.status, `listing the diverted events of ${printable(name)}`), 1);
    }
    if (error instanceof WebhooksPaginationError) throw new CliError(`${printable(error.message)}; nothing was changed`, 1);
    throw error;
  }
}

const isoTime = (event: Pick<DivertedEvent, "timestamp">) => {
  const time = eventTime(event);
  return time === undefined ? String(event.timestamp) : new Date(time).toISOString();
};

function listCommand(ctx: Context): Command {
  const command = new Command("list")
    .description("list the diverted events of a webhook, every page")
    .argument("<name>", "the webhook")
    .option("--jsonl", "one event a line, as JSON (streams: for large lists)");
  addSelection(command, { required: false });
  withConnection(command);
  example(command, "$ socotra-webhooks diverted list policy-events --type 'claim.*' --since 2026-11-27", "$ socotra-webhooks diverted list policy-events --jsonl > diverted.jsonl");
  command.addHelpText("after", `\n${SHARED_TRANSACTIONS}\n`);
  return command.action(async (name: string, options: ConnectionOptions & SelectionOptions & { jsonl?: boolean }) => {
    if (options.json && options.jsonl) throw usageError("choose one of --json and --jsonl");
    checkPathArgument("listDivertedEvents", "name", name, "the webhook name");
    const selection = parseSelection(options, [], false);
    const { client } = await ctx.client(options);
    const events: WebhookDivertedEventResponse[] = [];
    const transactions = new Map<string, number>();
    const deviations: ContractDeviation[] = [];
    let listed = 0;
    if (!options.json && !options.jsonl) await ctx.out(`${"TRANSACTION".padEnd(38)}${"EVENT TYPE".padEnd(30)}${"TIME".padEnd(26)}EVENT ID\n`);
    for await (const event of listEvents(client, name, deviations)) {
      if (ctx.signal.aborted) throw new CliError("interrupted", 130);
      // The reader left (`| head`): nothing more to show, and a listing changes nothing.
      if (ctx.stdout.closed === true) return;
      if (!selects(selection, event)) continue;
      listed += 1;
      transactions.set(event.transactionId, (transactions.get(event.transactionId) ?? 0) + 1);
      if (options.json) events.push(event);
      else if (options.jsonl) await ctx.json(event);
      else await ctx.out(`${printable(event.transactionId).padEnd(37)} ${printable(String(event.eventType)).padEnd(29)} ${printable(isoTime(event)).padEnd(25)} ${printable(String(event.eventId))}\n`);
    }
    ctx.noteDeviations(`the diverted events of ${printable(name)}`, deviations);
    if (options.json) return ctx.json({ webhookName: name, events }, 2);
    if (options.jsonl) return;
    const shared = [...transactions.values()].filter((count) => count > 1).length;
    await ctx.out(`\n${listed} diverted event(s) in ${transactions.size} transaction(s)${shared > 0 ? `; ${shared} transaction id(s) name several events` : ""}\n`);
  });
}

/** What a bulk run exits with: an unknown outcome is not "all done" either. */
const EXIT_STATUS_HELP = exitStatusHelp({ done: "all done", failed: "some failed or unknown (listed)" });

interface BulkCommandOptions extends ConnectionOptions, SelectionOptions {
  dryRun?: boolean;
  concurrency: number;
  rate?: number;
  yes?: boolean;
  ledger?: string;
  force?: boolean;
  retryUnknown?: boolean;
  wholeTransactions?: boolean;
}

function bulkCommand(ctx: Context, action: "resend" | "delete"): Command {
  const op = operation(action === "resend" ? "resendDivertedEvent" : "deleteDivertedEvent");
  // A non-idempotent operation (resend, per the spec's x-idempotent) is guarded by the ledger.
  const guarded = !op.idempotent;
  const command = new Command(action)
    .description(action === "resend" ? "deliver diverted events again, once per transaction id" : "discard diverted events, once per transaction id")
    .argument("<name>", "the webhook")
    .argument("[transactionIds...]", "only these transactions");
  addSelection(command, { required: true });
  command
    .option("--dry-run", "show what would happen; change nothing")
    .addOption(new Option("--concurrency <n>", "requests in flight at once").argParser(positiveInteger("--concurrency", 64)).default(4))
    .addOption(new Option("--rate <n/s>", "start at most N requests a second").argParser(rate));
  if (guarded) {
    command
      .option("--ledger <path>", `the file recording every transaction resent (default: ${DEFAULT_LEDGER} in the working directory)`)
      .option("--retry-unknown", "resend transactions whose earlier outcome is unknown (check the receiver first: the platform may have resent them)")
      .option("--force", "resend transactions the ledger says were resent already, or may have been");
  } else {
    command
      .option("-y, --yes", "do not ask for confirmation (required when no terminal is attached)")
      .option("--whole-transactions", "act even when a selected transaction also holds events the selection left out");
  }
  withConnection(command);
  if (action === "resend") {
    example(
      command,
      "$ socotra-webhooks diverted resend policy-events --all --dry-run",
      "$ socotra-webhooks diverted resend policy-events --all --concurrency 4 --rate 20/s",
      "$ socotra-webhooks diverted resend policy-events --type 'claim.*' --since 2026-11-27T08:00:00Z",
    );
    command.addHelpText(
      "after",
      `${SELECTION_HELP}
Resend is not idempotent: each transaction id is recorded in the ledger before its request goes
out and again with the outcome, so a repeated or interrupted run (Ctrl-C finishes the requests in
flight, records them and exits 130) never resends a transaction twice. A transaction whose
outcome is unknown (a 5xx such as 502 or 504, a timeout, the connection dropped after sending, or
the run was killed) is not resent either: check the receiver, then resend it with --retry-unknown.
Which answers count as failed (retried by the next run) and which as unknown: docs/resend-outcomes.md.

${EXIT_STATUS_HELP}`,
    );
  } else {
    example(command, "$ socotra-webhooks diverted delete policy-events --type policy.update --until 2026-11-01 --yes");
    command.addHelpText("after", `${SELECTION_HELP}\n${EXIT_STATUS_HELP}`);
  }

  return command.action(async (name: string, transactionIds: string[], options: BulkCommandOptions) => {
    checkPathArgument(op.operationId, "name", name, "the webhook name");
    for (const id of transactionIds) checkPathArgument(op.operationId, "transactionId", id, `the transaction id ${quotedArgument(id)}`);
    const selection = parseSelection(options, transactionIds, true);
    const ledgerPath = ctx.path(options.ledger ?? DEFAULT_LEDGER);
    const ledgerShown = options.ledger ?? DEFAULT_LEDGER;
    const { client, baseUrl } = await ctx.client(options);

    const { events, unreadable } = await snapshot(ctx, client, name, op.operationId);
    // A dry run reads the ledger without locking it; a real run holds it to the end.
    const ledger = guarded && !options.dryRun ? await Ledger.open(ledgerPath, ledgerShown) : undefined;
    const ledgerView = guarded && options.dryRun ? await Ledger.peek(ledgerPath, ledgerShown) : ledger;
    if (ledger?.tornLine) ctx.err(`note: the last line of ${ledgerShown} was cut short by a crash and was dropped (its request had not been sent)\n`);
    try {
      const policy = { action, guarded, dryRun: options.dryRun === true, force: options.force === true, retryUnknown: options.retryUnknown === true };
      const { results, toAct, partial } = planBulk(events, selection, name, (id) => ledgerView?.state(baseUrl, name, id), policy);
      if (!guarded && partial.length > 0 && !options.wholeTransactions && !options.dryRun) {
        throw usageError(
          `${partial.length} selected transaction(s) also hold diverted events the selection left out (${partial
            .slice(0, 5)
            .map((transaction) => printable(transaction.transactionId))
            .join(", ")}${partial.length > 5 ? ", ..." : ""}); the platform deletes by transaction id, and which events it removes is not documented. ` +
            "Widen the selection, or pass --whole-transactions to delete them anyway",
        );
      }
      if (partial.length > 0 && guarded) {
        ctx.err(`note: ${partial.length} selected transaction(s) also hold diverted events the selection left out; resend acts on the transaction id, so the platform may resend those too\n`);
      }
      if (unreadable > 0) ctx.err(`note: ${unreadable} diverted event(s) have no transaction id that a URL can carry, and cannot be acted on\n`);

      const started = monotonicNow();
      let run: BulkRun = { interrupted: false, stopReason: undefined };
      if (toAct.length > 0) {
        if (!guarded) await ctx.confirm(`Delete the diverted events of ${toAct.length} transaction(s) of ${printable(name)}?`, options.yes);
        ctx.err(
          `${action === "resend" ? "Resending" : "Deleting"} ${toAct.length} transaction(s) of ${printable(name)}: concurrency ${options.concurrency}, ${options.rate === undefined ? "no rate limit" : `at most ${options.rate}/s`}${ledger ? `, ledger ${ledgerShown}` : ""}\n`,
        );
        run = await executeBulk(ctx, { client, action, name, baseUrl, ledger, toAct, results, concurrency: options.concurrency, rate: options.rate });
      }
      const { interrupted, stopReason } = run;
      if (stopReason !== undefined) ctx.err(`${stopReason}\n`);
      await report(ctx, { action, name, dryRun: options.dryRun === true, interrupted, stopped: stopReason !== undefined, results: [...results.values()], seconds: (monotonicNow() - started) / 1000, json: options.json === true });
      const failed = stopReason !== undefined || [...results.values()].some((result) => result.outcome === "failed" || result.outcome === "unknown");
      if (interrupted) throw new CliError("", EXIT.interrupted);
      if (failed) throw new CliError("", EXIT.failed);
    } finally {
      await ledger?.close();
    }
  });
}

export function divertedCommands(ctx: Context): Command {
  const command = new Command("diverted").description("list, resend or delete the events a webhook diverted after failed deliveries");
  example(command, "$ socotra-webhooks diverted list policy-events", "$ socotra-webhooks diverted resend policy-events --all");
  return command.addCommand(listCommand(ctx)).addCommand(bulkCommand(ctx, "resend")).addCommand(bulkCommand(ctx, "delete"));
}
