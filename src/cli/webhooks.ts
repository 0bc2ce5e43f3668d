// `list`, `get NAME`, `delete NAME`, `unsuspend NAME`: one webhook operation each.
import { Command, Option } from "commander";
import { SCHEMA_FIELDS } from "../../generated/operations.js";
import type { WebhookResponse } from "../../generated/schema.js";
import { toWebhookRequest } from "../webhook-request.js";
import { cell, CliError, type ConnectionOptions, type Context, describeStatus, hasUnprintable, printable } from "./context.js";
import { checkPathArgument, example, table, withConnection } from "./options.js";

/** The error for a failed call: 404 names the webhook, others say the status. */
export function callFailed(status: number, what: string, name?: string): CliError {
  return new CliError(status === 404 && name !== undefined ? `no webhook named ${printable(name)}` : describeStatus(status, what), 1);
}

/** An answer of the wrong shape (a contract violation): said, never quoted. */
const brokenAnswer = (what: string) => new CliError(`${what}: the platform's answer does not have the shape the contract gives it`, 1);

/** A list the platform may leave out or send as something else, as `a, b`; "-" when empty. */
const listed = (value: unknown, separator = ", ") => (Array.isArray(value) && value.length > 0 ? value.map((item) => cell(item)).join(separator) : "-");

const yesNo = (value: unknown) => (value === true ? "yes" : value === false ? "no" : "-");

/** The time of an epoch-milliseconds timestamp, or the value as sent when it is not one. */
function instant(value: unknown): string {
  const ms = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : typeof value === "number" ? value : Number.NaN;
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : cell(value, "(not given)");
}

/** How a field of a webhook reads for people, where a plain cell will not do; null: said with another field. */
const RENDER: ReadonlyMap<string, (webhook: WebhookResponse) => string | null> = new Map(Object.entries({
  enabled: (webhook: WebhookResponse) => yesNo(webhook.enabled),
  suspended: (webhook: WebhookResponse) => (webhook.suspended === true ? `yes, since ${instant(webhook.suspendedTimestamp)}` : yesNo(webhook.suspended)),
  suspendedTimestamp: () => null,
  failureHandling: ({ failureHandling }: WebhookResponse) => {
    if (failureHandling === undefined || failureHandling === null) return "- (not given)";
    const handling: Partial<NonNullable<WebhookResponse["failureHandling"]>> = failureHandling;
    return `mode ${cell(handling.mode)}, on status ${listed(handling.actOnStatusCodes, ",")}, on timeout ${yesNo(handling.actOnTimeout)}`;
  },
  events: (webhook: WebhookResponse) => listed(webhook.events),
}));

/** Every field the spec gives a webhook (SCHEMA_FIELDS), for people: one the platform left out shows as "-", never `undefined`. */
export function describeWebhook(webhook: WebhookResponse): string {
  const rows = Object.keys(SCHEMA_FIELDS.WebhookResponse!).flatMap((field) => {
    const render = RENDER.get(field);
    const value = render !== undefined ? render(webhook) : cell((webhook as unknown as Record<string, unknown>)[field]);
    return value === null ? [] : [`${field.padEnd(22)}${value}`];
  });
  return rows.join("\n") + "\n";
}

/**
 * A definition as YAML: a string holding a character the output escapes is double-quoted, where
 * `\uXXXX` is the same value, so that the printed file gives back exactly what the platform holds.
 */
async function definitionYaml(definition: unknown): Promise<string> {
  const { Document, isScalar, visit } = await import("yaml");
  const document = new Document(definition);
  visit(document, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === "string" && hasUnprintable(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return document.toString({ lineWidth: 0 });
}

export function webhookCommands(ctx: Context): Command[] {
  const list = withConnection(new Command("list").description("list the tenant's webhooks")).action(async (options: ConnectionOptions) => {
    const { client } = await ctx.client(options);
    const { data, response, deviations } = await client.GET("/webhooks", { signal: ctx.signal });
    if (data === undefined) throw callFailed(response.status, "listing the webhooks");
    ctx.noteDeviations("the webhooks", deviations);
    if (data === null || typeof data !== "object" || !Array.isArray(data.webhooks)) throw brokenAnswer("listing the webhooks");
    if (options.json) return ctx.json(data, 2);
    if (data.webhooks.length === 0) return ctx.out("No webhooks.\n");
    await ctx.out(
      table(
        ["NAME", "ENABLED", "SUSPENDED", "MODE", "INTEGRATION", "EVENTS"],
        data.webhooks.map((entry) => (entry !== null && typeof entry === "object" ? entry : ({} as Partial<WebhookResponse>))).map((webhook) => [
          webhook.name,
          yesNo(webhook.enabled),
          yesNo(webhook.suspended),
          webhook.failureHandling?.mode,
          webhook.integrationName,
          Array.isArray(webhook.events) ? String(webhook.events.length) : "-",
        ]),
      ),
    );
  });
  example(list, "$ SOCOTRA_TOKEN=... socotra-webhooks list", "$ socotra-webhooks list --json --token-file ~/.socotra-token");

  const get = withConnection(
    new Command("get")
      .description("show one webhook")
      .argument("<name>", "the webhook")
      .option("--definition", "print it as a definition file for plan/apply (YAML; JSON with --json): the fields a request may carry"),
  ).action(async (name: string, options: ConnectionOptions & { definition?: boolean }) => {
    checkPathArgument("getWebhook", "name", name, "the webhook name");
    const { client } = await ctx.client(options);
    const { data, response, deviations } = await client.GET("/webhooks/{name}", { params: { path: { name } }, signal: ctx.signal });
    if (data === undefined) throw callFailed(response.status, `reading ${printable(name)}`, name);
    ctx.noteDeviations(`the webhook ${printable(name)}`, deviations);
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw brokenAnswer(`reading ${printable(name)}`);
    if (options.definition) {
      const definition = toWebhookRequest(data);
      return options.json ? ctx.json(definition, 2) : ctx.out(await definitionYaml(definition));
    }
    await (options.json ? ctx.json(data, 2) : ctx.out(describeWebhook(data)));
  });
  example(get, "$ socotra-webhooks get policy-events", "$ socotra-webhooks get policy-events --definition > webhooks/policy-events.yaml");

  const remove = withConnection(
    new Command("delete")
      .description("delete a webhook (asks first on a terminal)")
      .argument("<name>", "the webhook")
      .addOption(new Option("-y, --yes", "do not ask (required when no terminal is attached)")),
  ).action(async (name: string, options: ConnectionOptions & { yes?: boolean }) => {
    checkPathArgument("deleteWebhook", "name", name, "the webhook name");
    const { client } = await ctx.client(options);
    await ctx.confirm(`Delete the webhook ${printable(name)}? Its deliveries stop.`, options.yes);
    const { response } = await client.DELETE("/webhooks/{name}", { params: { path: { name } }, signal: ctx.signal });
    if (!response.ok) throw callFailed(response.status, `deleting ${printable(name)}`, name);
    await (options.json ? ctx.json({ deleted: name }) : ctx.out(`Deleted ${printable(name)}.\n`));
  });
  example(remove, "$ socotra-webhooks delete old-policy-events --yes");

  const unsuspend = withConnection(
    new Command("unsuspend").description("resume deliveries of a webhook the platform suspended").argument("<name>", "the webhook"),
  ).action(async (name: string, options: ConnectionOptions) => {
    checkPathArgument("unsuspendWebhook", "name", name, "the webhook name");
    const { client } = await ctx.client(options);
    const { data, response } = await client.PATCH("/webhooks/{name}/unsuspend", { params: { path: { name } }, signal: ctx.signal });
    if (!response.ok) throw callFailed(response.status, `unsuspending ${printable(name)}`, name);
    await (options.json ? ctx.json(data ?? null, 2) : ctx.out(`Unsuspended ${printable(name)}.\n`));
  });
  example(unsuspend, "$ socotra-webhooks unsuspend policy-events");

  return [list, get, remove, unsuspend];
}
