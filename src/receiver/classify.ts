// Which of the spec's three outbound bodies (an event, a failure alert, a suspension alert) a
// decoded value is: the first whose schema it satisfies, with the known deviations accepted
// unless `strict`; else the issues of the one it most resembles, as a 400 answer.
import { OUTBOUND_WEBHOOKS } from "../../generated/operations.js";
import type { EventStreamWebhookSuspendedData, FailureMessage, WebhookEventType, WebhookPayload } from "../../generated/schema.js";
import { ContractValidationError, type ContractIssue } from "../errors.js";
import { validate, type SchemaName } from "../validation.js";
import { contractBroken, type ReceiverAnswer } from "./answers.js";
import { closestOutbound } from "./closest.js";
import { KNOWN_DEVIATIONS, type Deviation } from "./deviations.js";

/** A failure alert as received: `webhookName` may be the webhook's name (a string), see `onDeviation`. */
export type ReceivedFailureMessage = Omit<FailureMessage, "webhookName"> & { webhookName: FailureMessage["webhookName"] | string };
/** A suspension alert as received: `event` may name an event type added after this package. */
export type ReceivedSuspensionAlert = Omit<EventStreamWebhookSuspendedData, "event"> & { event: WebhookEventType | (string & {}) };
/** Any body a handler may get. */
export type ReceivedBody = WebhookPayload | ReceivedFailureMessage | ReceivedSuspensionAlert;

/** An outbound body told apart: the spec's webhook name, the body, and the deviations accepted in it. */
export type Classified = { name: string; body: ReceivedBody; deviations: readonly Deviation[] };

const NO_DEVIATIONS: readonly Deviation[] = [];

/** The body with its known deviations, if every issue is one of them. */
function acceptDeviations(schema: SchemaName, value: unknown, issues: readonly ContractIssue[]): Omit<Classified, "name"> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const found = new Set<(typeof KNOWN_DEVIATIONS)[number]>();
  for (const issue of issues) {
    const deviation = KNOWN_DEVIATIONS.find((known) => known.schema === schema && known.path === issue.path && known.rule === issue.rule);
    const field = deviation?.path.slice(1);
    if (deviation === undefined || field === undefined || !Object.hasOwn(value, field) || !deviation.accepts((value as Record<string, unknown>)[field])) return undefined;
    found.add(deviation);
  }
  let body = value as Record<string, unknown>;
  for (const deviation of found) {
    const field = deviation.path.slice(1);
    if (deviation.normalize) body = { ...body, [field]: deviation.normalize(body[field]) };
  }
  return { body: body as ReceivedBody, deviations: [...found].map(({ schema, path, rule }) => Object.freeze({ schema, path, rule })) };
}

/** Which outbound body this is (the first whose schema it satisfies), else the issues of the one it most resembles. */
export function classify(value: unknown, strict: boolean): Classified | ReceiverAnswer {
  const issuesOf: (readonly ContractIssue[])[] = [];
  for (const { name, schema } of OUTBOUND_WEBHOOKS) {
    let issues: readonly ContractIssue[];
    try {
      return { name, body: validate(schema, value) as ReceivedBody, deviations: NO_DEVIATIONS };
    } catch (error) {
      if (!(error instanceof ContractValidationError)) throw error;
      issues = error.issues;
    }
    const accepted = strict ? undefined : acceptDeviations(schema, value, issues);
    if (accepted !== undefined) return { name, ...accepted };
    issuesOf.push(issues);
  }
  return contractBroken(issuesOf[closestOutbound(value)] ?? []);
}
