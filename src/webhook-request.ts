// Read-modify-write of a webhook: a GET answers fields (`suspended`, `suspendedTimestamp`) that a
// PUT body may not carry. The fields kept are the spec's own (SCHEMA_FIELDS), never a hand-written list.
import { SCHEMA_FIELDS } from "../generated/operations.js";
import type { SchemaFields } from "../generated/operations.js";
import type { WebhookRequest, WebhookResponse } from "../generated/schema.js";
import { WebhooksOptionError } from "./errors.js";

type SchemaName = keyof typeof SCHEMA_FIELDS;

function fieldsOf(schema: string | null): SchemaFields | undefined {
  return schema !== null && Object.hasOwn(SCHEMA_FIELDS, schema) ? SCHEMA_FIELDS[schema as SchemaName] : undefined;
}

/** Keeps the fields `schema` declares, recursing into the object schemas they hold; arrays are copied. */
function pick(schema: string | null, value: unknown): unknown {
  const fields = fieldsOf(schema);
  if (Array.isArray(value)) return value.map((item) => pick(schema, item));
  if (fields === undefined || value === null || typeof value !== "object") return value;
  const picked: Record<string, unknown> = {};
  for (const [field, holds] of Object.entries(fields)) {
    if (!Object.hasOwn(value, field)) continue;
    const fieldValue = (value as Record<string, unknown>)[field];
    if (fieldValue !== undefined) picked[field] = pick(holds ?? null, fieldValue);
  }
  return picked;
}

/**
 * The request body that recreates `webhook` as the platform holds it: the fields of WebhookRequest
 * only (and of FailureHandlingRequest inside it), so that a read-modify-write is accepted.
 *
 * @example
 * const { data } = await client.GET("/webhooks/{name}", { params: { path: { name: "policy-events" } } });
 * await client.PUT("/webhooks", { body: { ...toWebhookRequest(data!), events: ["policy.issue"] } });
 */
export function toWebhookRequest(webhook: WebhookResponse): WebhookRequest {
  if (webhook === null || typeof webhook !== "object" || Array.isArray(webhook)) {
    throw new WebhooksOptionError("toWebhookRequest", "webhook", "type", "`webhook` must be a webhook object as GET /webhooks/{name} answers it");
  }
  return pick("WebhookRequest", webhook) as WebhookRequest;
}
