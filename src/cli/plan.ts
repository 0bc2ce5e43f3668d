// `plan FILE...` and `apply FILE...`: webhook definitions as code. A file names the fields it
// manages; a field it leaves out keeps the value the platform holds (apply sends it back, read with
// toWebhookRequest), because what the platform does with an omitted field is not documented.
import { Command } from "commander";
import type { WebhookRequest, WebhookResponse } from "../../generated/schema.js";
import type { WebhooksClient } from "../client.js";
import { ContractValidationError } from "../errors.js";
import { toWebhookRequest } from "../webhook-request.js";
import { CliError, type ConnectionOptions, type Context, printable } from "./context.js";
import { type Definition, loadDefinitions } from "./definitions.js";
import { example, withConnection } from "./options.js";
import { callFailed } from "./webhooks.js";

export interface FieldChange {
  /** The field's path, dotted: `failureHandling.mode`. */
  field: string;
  /** Absent when the platform holds no value (or the webhook does not exist yet). */
  from?: unknown;
  /** Absent when apply removes the field (`resetAlertIntegrationName: true` removes `alertIntegrationName`). */
  to?: unknown;
}

export interface PlannedWebhook {
  file: string;
  name: string;
  action: "create" | "update" | "unchanged";
  changes: FieldChange[];
  /** The body apply sends; absent when it cannot send one (`blocked`). */
  body?: WebhookRequest;
  /**
   * Why apply cannot send this webhook as the files stand: what the platform holds, sent back for
   * a field the file omits, breaks the request schema (an event type the contract does not list
   * yet: read and shown, but never sent unasked).
   */
  blocked?: string;
}

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> => value !== null && typeof value === "object" && !Array.isArray(value);

/** The definition's fields over what the platform holds; objects (failureHandling) merge field by field. */
function merge(held: Json, wanted: Json): Json {
  if (!isObject(held) || !isObject(wanted)) return wanted;
  const merged: Record<string, Json> = { ...held };
  for (const [field, value] of Object.entries(wanted)) merged[field] = Object.hasOwn(held, field) ? merge(held[field], value) : value;
  return merged;
}

/** Lists compare as sets: the order of `events` or `actOnStatusCodes` carries no meaning the platform documents. */
function same(a: Json, b: Json): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (list: Json[]) => list.map((item) => JSON.stringify(item)).sort().join("\n");
    return key(a) === key(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function diff(held: Json, wanted: Json, prefix = ""): FieldChange[] {
  if (isObject(wanted) && (isObject(held) || held === undefined)) {
    return Object.entries(wanted).flatMap(([field, value]) => diff(isObject(held) && Object.hasOwn(held, field) ? held[field] : undefined, value, `${prefix}${field}.`));
  }
  const field = prefix.slice(0, -1);
  if (held !== undefined && same(held, wanted)) return [];
  return [{ field, ...(held !== undefined && { from: held }), to: wanted }];
}

async function current(client: WebhooksClient, ctx: Context, name: string): Promise<WebhookResponse | undefined> {
  const { data, response, deviations } = await client.GET("/webhooks/{name}", { params: { path: { name } }, signal: ctx.signal });
  if (response.status === 404) return undefined;
  if (data === undefined) throw callFailed(response.status, `reading ${printable(name)}`);
  ctx.noteDeviations(`the webhook ${printable(name)}`, deviations);
  return data;
}

async function planAll(ctx: Context, client: WebhooksClient, definitions: Definition[]): Promise<PlannedWebhook[]> {
  const { parse } = await import("../validation.js");
  const planned: PlannedWebhook[] = [];
  for (const { file, webhook } of definitions) {
    const held = await current(client, ctx, webhook.name);
    if (held === undefined) {
      planned.push({ file, name: webhook.name, action: "create", changes: diff(undefined, webhook), body: webhook });
      continue;
    }
    const heldRequest = toWebhookRequest(held);
    // `resetAlertIntegrationName: true` is an instruction, not a value the platform holds and answers:
    // compared as the removal of `alertIntegrationName` (the spec's reading, not documented), and the
    // held alert integration is not sent back beside it. Otherwise a plan would never converge.
    const { resetAlertIntegrationName: reset, ...wanted } = webhook;
    const resetAlert = reset === true && webhook.alertIntegrationName === undefined;
    if (resetAlert) delete heldRequest.alertIntegrationName;
    let body: WebhookRequest | undefined;
    let blocked: string | undefined;
    try {
      body = parse("WebhookRequest", merge(heldRequest, webhook));
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      blocked = `what the platform holds breaks the contract's WebhookRequest (${error.message}); give those fields in the file`;
    }
    const changes = diff(heldRequest, wanted);
    if (resetAlert && held.alertIntegrationName !== undefined) changes.push({ field: "alertIntegrationName", from: held.alertIntegrationName });
    planned.push({ file, name: webhook.name, action: changes.length === 0 ? "unchanged" : "update", changes, ...(body !== undefined && { body }), ...(blocked !== undefined && { blocked }) });
  }
  return planned;
}

const shown = (value: Json) => printable(JSON.stringify(value));

function describeChange(change: FieldChange): string {
  if (!("to" in change)) return `  - ${change.field}: ${shown(change.from)}`;
  if (!("from" in change)) return `  + ${change.field}: ${shown(change.to)}`;
  if (Array.isArray(change.from) && Array.isArray(change.to)) {
    const before = new Set(change.from.map((item) => JSON.stringify(item)));
    const after = new Set(change.to.map((item) => JSON.stringify(item)));
    const added = [...after].filter((item) => !before.has(item)).map((item) => `+ ${printable(item)}`);
    const removed = [...before].filter((item) => !after.has(item)).map((item) => `- ${printable(item)}`);
    return `  ~ ${change.field}: ${[...added, ...removed].join(", ")}`;
  }
  return `  ~ ${change.field}: ${shown(change.from)} → ${shown(change.to)}`;
}

async function printPlan(ctx: Context, planned: PlannedWebhook[]): Promise<void> {
  for (const webhook of planned) {
    const what = webhook.action === "unchanged" ? "no change" : webhook.action;
    await ctx.out(`webhook ${printable(webhook.name)} (${printable(webhook.file)}): ${what}\n`);
    for (const change of webhook.changes) await ctx.out(`${describeChange(change)}\n`);
    if (webhook.blocked !== undefined) await ctx.out(`  ! cannot apply: ${printable(webhook.blocked)}\n`);
  }
  const count = (action: PlannedWebhook["action"]) => planned.filter((webhook) => webhook.action === action).length;
  const blocked = planned.filter((webhook) => webhook.blocked !== undefined).length;
  await ctx.out(`\nPlan: ${count("create")} to create, ${count("update")} to update, ${count("unchanged")} unchanged${blocked > 0 ? `; ${blocked} cannot be applied as the files stand` : ""}.\n`);
}

/** Apply sends all or nothing of what a plan found it cannot send: named, exit 1. */
function refuseBlocked(planned: readonly PlannedWebhook[], why: string): void {
  const blocked = planned.filter((webhook) => webhook.blocked !== undefined);
  if (blocked.length === 0) return;
  const names = blocked.slice(0, 10).map((webhook) => printable(webhook.name)).join(", ");
  throw new CliError(`${blocked.length} webhook(s) cannot be applied: ${names}${blocked.length > 10 ? ", ..." : ""} (give those fields in the file; ${why}); nothing was sent`, 1);
}

const DEFINITION_HELP = `
A definition file is YAML or JSON: one webhook (a WebhookRequest of the contract), a list of
them, or several YAML documents. Fields a file leaves out keep the value the platform holds.
  name: policy-events
  integrationName: document-service
  events: [policy.issue, policy.endorse]
  failureHandling: { mode: divert, actOnStatusCodes: ["500", "503"], actOnTimeout: true }
`;

export function planCommands(ctx: Context): Command[] {
  const plan = withConnection(new Command("plan").description("show, field by field, what apply would create or change").argument("<files...>", "definition files (YAML or JSON)")).action(
    async (files: string[], options: ConnectionOptions) => {
      const definitions = await loadDefinitions(ctx, files);
      const { client } = await ctx.client(options);
      const planned = await planAll(ctx, client, definitions);
      if (options.json) await ctx.json(planned.map(({ body: _body, ...rest }) => rest), 2);
      else await printPlan(ctx, planned);
      refuseBlocked(planned, options.json ? "each one's `blocked` says why" : "the plan above says why");
    },
  );
  example(plan, "$ socotra-webhooks plan webhooks/*.yaml");
  plan.addHelpText("after", DEFINITION_HELP);

  const apply = withConnection(new Command("apply").description("create or update the webhooks the files define (a PUT per webhook that differs; fields a file omits are sent back as read)").argument("<files...>", "definition files (YAML or JSON)")).action(
    async (files: string[], options: ConnectionOptions) => {
      const definitions = await loadDefinitions(ctx, files);
      const { client } = await ctx.client(options);
      const planned = await planAll(ctx, client, definitions);
      refuseBlocked(planned, "`plan` shows why");
      const applied: (Omit<PlannedWebhook, "body"> & { webhook?: WebhookResponse })[] = [];
      const failures: string[] = [];
      for (const { body, ...entry } of planned) {
        if (ctx.signal.aborted) break;
        if (entry.action === "unchanged") {
          applied.push(entry);
          continue;
        }
        const { data, response } = await client.PUT("/webhooks", { body: body!, signal: ctx.signal });
        if (!response.ok) {
          failures.push(`${printable(entry.name)}: ${callFailed(response.status, entry.action === "create" ? "creating it" : "updating it").message}`);
          continue;
        }
        applied.push({ ...entry, ...(data !== undefined && { webhook: data }) });
        if (!options.json) await ctx.out(`${entry.action === "create" ? "Created" : "Updated"} ${printable(entry.name)}${entry.action === "update" ? ` (${entry.changes.length} field(s))` : ""}.\n`);
      }
      if (options.json) await ctx.json(applied, 2);
      else {
        const unchanged = applied.filter((entry) => entry.action === "unchanged").length;
        if (unchanged > 0) await ctx.out(`${unchanged} webhook(s) unchanged.\n`);
      }
      if (ctx.signal.aborted) throw new CliError("interrupted: only the webhooks listed above were applied", 130);
      if (failures.length > 0) throw new CliError(`${failures.length} webhook(s) not applied:\n${failures.map((line) => `  ${line}`).join("\n")}`, 1);
    },
  );
  example(apply, "$ socotra-webhooks apply webhooks/policy-events.yaml webhooks/claims.yaml");
  apply.addHelpText("after", DEFINITION_HELP);
  return [plan, apply];
}
