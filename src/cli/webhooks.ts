// `list`, `get NAME`, `delete NAME`, `unsuspend NAME`: one webhook operation each.
import { Command, Option } from "commander";
import type { WebhookResponse } from "../../generated/schema.js";
import { toWebhookRequest } from "../webhook-request.js";
import { CliError, type ConnectionOptions, type Context, describeStatus, printable } from "./context.js";
import { checkPathArgument, example, table, withConnection } from "./options.js";

/** The error for a failed call: 404 names the webhook, others say the status. */
export function callFailed(status: number, what: string, name?: string): CliError {
  return new CliError(status === 404 && name !== undefined ? `no webhook named ${printable(name)}` : describeStatus(status, what), 1);
}

export function describeWebhook(webhook: WebhookResponse): string {
  const rows: [string, string][] = [
    ["name", webhook.name],
    ["displayName", webhook.displayName ?? ""],
    ["enabled", String(webhook.enabled)],
    ["suspended", webhook.suspended ? `yes, since ${webhook.suspendedTimestamp === undefined ? "(not given)" : new Date(Number(webhook.suspendedTimestamp)).toISOString()}` : "no"],
    ["integrationName", webhook.integrationName],
    ["alertIntegrationName", webhook.alertIntegrationName ?? ""],
    ["retryStrategy", String(webhook.retryStrategy)],
    ["failureHandling", `mode ${webhook.failureHandling?.mode}, on status ${(webhook.failureHandling?.actOnStatusCodes ?? []).join(",") || "(none)"}, on timeout ${webhook.failureHandling?.actOnTimeout}`],
    ["events", (webhook.events ?? []).join(", ")],
  ];
  return rows.map(([field, value]) => `${field.padEnd(22)}${printable(value)}`).join("\n") + "\n";
}

export function webhookCommands(ctx: Context): Command[] {
  const list = withConnection(new Command("list").description("list the tenant's webhooks")).action(async (options: ConnectionOptions) => {
    const { client } = await ctx.client(options);
    const { data, response } = await client.GET("/webhooks", { signal: ctx.signal });
    if (data === undefined) throw callFailed(response.status, "listing the webhooks");
    if (options.json) return ctx.out(`${JSON.stringify(data, null, 2)}\n`);
    if (data.webhooks.length === 0) return ctx.out("No webhooks.\n");
    await ctx.out(
      table(
        ["NAME", "ENABLED", "SUSPENDED", "MODE", "INTEGRATION", "EVENTS"],
        data.webhooks.map((webhook) => [webhook.name, webhook.enabled ? "yes" : "no", webhook.suspended ? "yes" : "no", String(webhook.failureHandling?.mode), webhook.integrationName, String(webhook.events?.length ?? 0)]),
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
    const { data, response } = await client.GET("/webhooks/{name}", { params: { path: { name } }, signal: ctx.signal });
    if (data === undefined) throw callFailed(response.status, `reading ${printable(name)}`, name);
    if (options.definition) {
      const definition = toWebhookRequest(data);
      return ctx.out(options.json ? `${JSON.stringify(definition, null, 2)}\n` : (await import("yaml")).stringify(definition));
    }
    await ctx.out(options.json ? `${JSON.stringify(data, null, 2)}\n` : describeWebhook(data));
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
    await ctx.confirm(`Delete the webhook ${name}? Its deliveries stop.`, options.yes);
    const { response } = await client.DELETE("/webhooks/{name}", { params: { path: { name } }, signal: ctx.signal });
    if (!response.ok) throw callFailed(response.status, `deleting ${printable(name)}`, name);
    await ctx.out(options.json ? `${JSON.stringify({ deleted: name })}\n` : `Deleted ${printable(name)}.\n`);
  });
  example(remove, "$ socotra-webhooks delete old-policy-events --yes");

  const unsuspend = withConnection(
    new Command("unsuspend").description("resume deliveries of a webhook the platform suspended").argument("<name>", "the webhook"),
  ).action(async (name: string, options: ConnectionOptions) => {
    checkPathArgument("unsuspendWebhook", "name", name, "the webhook name");
    const { client } = await ctx.client(options);
    const { data, response } = await client.PATCH("/webhooks/{name}/unsuspend", { params: { path: { name } }, signal: ctx.signal });
    if (!response.ok) throw callFailed(response.status, `unsuspending ${printable(name)}`, name);
    await ctx.out(options.json ? `${JSON.stringify(data ?? null, null, 2)}\n` : `Unsuspended ${printable(name)}.\n`);
  });
  example(unsuspend, "$ socotra-webhooks unsuspend policy-events");

  return [list, get, remove, unsuspend];
}
