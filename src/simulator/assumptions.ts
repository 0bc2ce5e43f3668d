// What the platform does not document, in one table: each behaviour the simulator must pick is a
// named assumption with its default and the reason for it. Options (`assume`) and the bin's
// `--assume KEY=VALUE` override them; docs/simulator.md's table is rendered from this one.
import { SCHEMA_ENUMS } from "../../generated/operations.js";
import { AssumptionError } from "../errors.js";

type Integer = { readonly kind: "integer"; readonly default: number; readonly min: number; readonly max: number };
type Choice = { readonly kind: "choice"; readonly default: string; readonly values: readonly string[] };
type StatusList = { readonly kind: "statuses"; readonly default: readonly string[] };
type Definition = (Integer | Choice | StatusList) & { readonly reason: string };

/** Every assumption: its kind, default, allowed values and why it is needed. None is documented by the platform. */
export const ASSUMPTIONS = {
  "retries.none": { kind: "integer", default: 0, min: 0, max: 10, reason: "Retries for `retryStrategy: none`; the name suggests none. The simulator retries any attempt without a 2xx." },
  "retries.one": { kind: "integer", default: 1, min: 0, max: 10, reason: "Retries for `retryStrategy: one`; the name suggests one." },
  "retries.three": { kind: "integer", default: 3, min: 0, max: 10, reason: "Retries for `retryStrategy: three`; the name suggests three." },
  retryDelayMs: { kind: "integer", default: 1000, min: 0, max: 600_000, reason: "The wait between attempts; the interval is not documented. Set 0 in tests." },
  deliveryTimeoutMs: { kind: "integer", default: 10_000, min: 1, max: 600_000, reason: "How long an attempt may take before it counts as a timeout; the platform's timeout is not documented." },
  unlistedStatus: {
    kind: "choice", default: "ignore", values: ["ignore", "act"],
    reason: "A final answer that is not 2xx and not in `actOnStatusCodes`: `ignore` ends the delivery `dropped` with no alert, divert or suspension (only listed statuses count as failures); `act` handles it as a listed one.",
  },
  networkError: {
    kind: "choice", default: "act", values: ["act", "as-timeout", "ignore"],
    reason: "No HTTP answer at all (refused, reset): `act` handles it as a failure; `as-timeout` only when `actOnTimeout`; `ignore` as an unlisted status. A failure alert says `actualStatus: \"no-answer\"` (\"timeout\" for a timeout).",
  },
  modeNone: { kind: "choice", default: "drop", values: ["drop", "divert"], reason: "What `mode: none` does with a failed event: the contract's reading is that it is dropped." },
  resend: {
    kind: "choice", default: "remove-on-delivery", values: ["remove-on-delivery", "remove", "keep"],
    reason: "Whether a resent event leaves the diverted list: when its redelivery succeeds, at once whatever happens, or never.",
  },
  suspendedWebhook: {
    kind: "choice", default: "skip", values: ["skip", "queue"],
    reason: "Events raised while a webhook is suspended, and the event whose failure suspended it: `skip` ends them `skipped` (the failing one `dropped`); `queue` keeps them and delivers them, in order, on unsuspend. A resend is delivered either way.",
  },
  integrationHeaders: { kind: "choice", default: "send", values: ["send", "omit"], reason: "Whether the integration's `headers` are sent with each delivery and alert." },
  failureAlerts: {
    kind: "choice", default: "per-delivery", values: ["per-delivery", "per-attempt"],
    reason: "With `alertIntegrationName`, a failure alert for each failed delivery (after its retries) or for each failed attempt.",
  },
  expectedStatus: { kind: "integer", default: 200, min: 100, max: 599, reason: "The `expectedStatus` of a failure alert." },
  alertWebhookName: {
    kind: "choice", default: "name", values: ["name", "empty"],
    reason: "A failure alert's `webhookName` is typed `object` by the reference, fields undocumented: `{ \"name\": ... }` or `{}`.",
  },
  divertedPageSize: { kind: "integer", default: 100, min: 1, max: 10_000, reason: "The page size of `GET /webhooks/{name}/diverted` without `limit`." },
  transactionIdMatches: {
    kind: "choice", default: "all", values: ["all", "oldest"],
    reason: "Several events can share a transaction: resend and delete by `transactionId` act on all of the webhook's diverted events with it, or on the oldest.",
  },
  update: {
    kind: "choice", default: "replace", values: ["replace", "merge"],
    reason: "`PUT /webhooks` on an existing name: omitted fields take their defaults (`replace`; an omitted `events` is none) or keep their stored values (`merge`). Suspension and diverted events are kept either way.",
  },
  unknownIntegration: {
    kind: "choice", default: "reject", values: ["reject", "accept"],
    reason: "A webhook naming an integration the simulator does not know (or none): `reject` answers 400; `accept` stores it and its deliveries fail with no answer.",
  },
  resetAlertIntegrationName: {
    kind: "choice", default: "removes", values: ["removes", "ignored"],
    reason: "The reference lists `resetAlertIntegrationName` without describing it; the name suggests `true` removes the alert integration.",
  },
  "defaults.enabled": { kind: "choice", default: "true", values: ["true", "false"], reason: "`enabled` when a request omits it." },
  "defaults.retryStrategy": { kind: "choice", default: "none", values: SCHEMA_ENUMS.RetryStrategy, reason: "`retryStrategy` when a request omits it." },
  "defaults.mode": { kind: "choice", default: "none", values: SCHEMA_ENUMS.FailureHandlingMode, reason: "`failureHandling.mode` when a request omits it." },
  "defaults.actOnTimeout": { kind: "choice", default: "false", values: ["true", "false"], reason: "`failureHandling.actOnTimeout` when a request omits it." },
  "defaults.actOnStatusCodes": { kind: "statuses", default: [], reason: "`failureHandling.actOnStatusCodes` when a request omits it (comma-separated statuses)." },
} as const satisfies Record<string, Definition>;

export type AssumptionKey = keyof typeof ASSUMPTIONS;
type ValueOf<D> = D extends { kind: "integer" } ? number : D extends { kind: "statuses" } ? readonly string[] : D extends { values: readonly (infer V)[] } ? V : never;
/** The value of every assumption. */
export type Assumptions = { readonly [Key in AssumptionKey]: ValueOf<(typeof ASSUMPTIONS)[Key]> };
/** Overrides: a value per key, as typed values or as the text `--assume` takes. */
export type AssumptionOverrides = { readonly [Key in AssumptionKey]?: ValueOf<(typeof ASSUMPTIONS)[Key]> | string | number | boolean };

export { AssumptionError };

const STATUS = /^[1-5][0-9]{2}$/;

function describeRule(key: string, definition: Definition): string {
  switch (definition.kind) {
    case "integer":
      return `assumption "${key}" must be an integer from ${definition.min} to ${definition.max}`;
    case "choice":
      return `assumption "${key}" must be one of ${definition.values.join(", ")}`;
    case "statuses":
      return `assumption "${key}" must be a list of HTTP statuses (100 to 599), comma-separated`;
  }
}

function coerce(key: string, definition: Definition, value: unknown): unknown {
  const rule = () => new AssumptionError(describeRule(key, definition), key, definition.kind === "integer" ? "range" : definition.kind === "choice" ? "enum" : "statuses");
  switch (definition.kind) {
    case "integer": {
      const number = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof number !== "number" || !Number.isSafeInteger(number) || number < definition.min || number > definition.max) throw rule();
      return number;
    }
    case "choice": {
      const text = typeof value === "boolean" ? String(value) : value;
      if (typeof text !== "string" || !definition.values.includes(text)) throw rule();
      return text;
    }
    case "statuses": {
      const list = typeof value === "string" ? (value.trim() === "" ? [] : value.split(",").map((s) => s.trim())) : value;
      if (!Array.isArray(list) || list.length > 100 || !list.every((s) => typeof s === "string" && STATUS.test(s))) throw rule();
      return Object.freeze([...list]);
    }
  }
}

/**
 * The assumptions in force: the defaults, overridden by `overrides`.
 * @throws AssumptionError naming an unknown key, or a bad value's key and rule.
 */
export function resolveAssumptions(overrides: AssumptionOverrides | undefined = {}): Assumptions {
  if (typeof overrides !== "object" || overrides === null) throw new AssumptionError("`assume` must be an object of assumption values", null, "type");
  const resolved: Record<string, unknown> = Object.create(null);
  for (const [key, definition] of Object.entries(ASSUMPTIONS)) resolved[key] = definition.default;
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(ASSUMPTIONS, key)) throw new AssumptionError(`unknown assumption "${key.slice(0, 100)}"; known: ${Object.keys(ASSUMPTIONS).join(", ")}`, key.slice(0, 100), "unknown");
    if (value === undefined) continue;
    resolved[key] = coerce(key, ASSUMPTIONS[key as AssumptionKey], value);
  }
  return Object.freeze(resolved) as Assumptions;
}

/** Parses one `KEY=VALUE` of `--assume`. @throws AssumptionError for a missing `=`, an unknown key or a bad value. */
export function parseAssumption(text: string): [AssumptionKey, unknown] {
  const equals = text.indexOf("=");
  if (equals < 1) throw new AssumptionError(`--assume must look like KEY=VALUE, got "${text.slice(0, 100)}"`, null, "format");
  const key = text.slice(0, equals).trim();
  if (!Object.hasOwn(ASSUMPTIONS, key)) throw new AssumptionError(`unknown assumption "${key.slice(0, 100)}"; known: ${Object.keys(ASSUMPTIONS).join(", ")}`, key.slice(0, 100), "unknown");
  return [key as AssumptionKey, coerce(key, ASSUMPTIONS[key as AssumptionKey], text.slice(equals + 1))];
}

const show = (value: unknown) => (Array.isArray(value) ? (value.length === 0 ? "(none)" : value.join(",")) : String(value));

function allowed(definition: Definition): string {
  if (definition.kind === "integer") return `${definition.min}–${definition.max}`;
  if (definition.kind === "choice") return definition.values.join(" \\| ");
  return "statuses, comma-separated";
}

/** The table as Markdown: docs/simulator.md's copy, which a test compares with this one. */
export function assumptionsMarkdown(): string {
  const rows = Object.entries(ASSUMPTIONS).map(
    ([key, definition]) => `| \`${key}\` | \`${show(definition.default)}\` | ${allowed(definition)} | not documented | ${definition.reason.replaceAll("|", "\\|")} |`,
  );
  return ["| assumption | default | values | platform | why |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** The assumptions in force as plain text, one a line, marking those that differ from the default. */
export function assumptionsText(assumptions: Assumptions): string {
  const width = Math.max(...Object.keys(ASSUMPTIONS).map((key) => key.length));
  return Object.entries(ASSUMPTIONS)
    .map(([key, definition]) => {
      const value = show(assumptions[key as AssumptionKey]);
      const changed = value === show(definition.default) ? "" : `  (default ${show(definition.default)})`;
      return `  ${key.padEnd(width)}  ${value}${changed}  [not documented]`;
    })
    .join("\n");
}
