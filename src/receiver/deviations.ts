// What the platform is known to send that the contract does not allow. Each one is accepted by
// default (refusing it with 400 would turn a documentation ambiguity into diverted events and a
// suspended webhook), reported through `onDeviation`, and refused under `strict: true`.
import type { SchemaName } from "../validation.js";

/** One accepted deviation, as `onDeviation` reports it: never the value itself. */
export interface Deviation {
  /** The schema the body satisfies apart from this field: `"WebhookPayload"`, `"FailureMessage"`... */
  schema: SchemaName;
  /** JSON pointer of the field, e.g. `/timestamp`. */
  path: string;
  /** The schema keyword the field breaks (`type`, `enum`). */
  rule: string;
}

interface KnownDeviation extends Deviation {
  /** Where the platform shows this shape. */
  source: string;
  /** Whether the field's value is the known deviation (anything else stays a contract violation). */
  accepts(value: unknown): boolean;
  /** Turns the value into the documented type, when one exists. */
  normalize?(value: unknown): unknown;
}

const EVENT_TYPE_SHAPE = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+$/;

export const KNOWN_DEVIATIONS: readonly KnownDeviation[] = [
  {
    schema: "WebhookPayload",
    path: "/timestamp",
    rule: "type",
    source: "The platform's sample receiver (socotra/amp-blueprints, webhooks.sample) types the envelope's timestamp as a number of epoch milliseconds; the API docs define a digit string.",
    accepts: (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0,
    normalize: (value) => String(value),
  },
  {
    schema: "FailureMessage",
    path: "/webhookName",
    rule: "type",
    source: "The API reference types FailureMessage.webhookName as `object`, while every other webhookName in the API is the webhook's name, a string.",
    accepts: (value) => typeof value === "string",
  },
  {
    schema: "EventStreamWebhookSuspendedData",
    path: "/event",
    rule: "enum",
    source: "The platform adds event types over time (WebhookEventType's description); a suspension alert may name one the enum lacks. Accepted when it has the documented entity.action shape.",
    accepts: (value) => typeof value === "string" && value.length <= 200 && EVENT_TYPE_SHAPE.test(value),
  },
];
