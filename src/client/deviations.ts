// Tolerant in what we read: an answer of the platform may carry an event type the contract does
// not list yet (the spec's ObservedEventType). Readers never refuse it; they report it, through
// this one walk over the spec's own field table, so that every part names and counts it the same way.
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import { SCHEMA_FIELDS } from "../../generated/operations.js";

/** An event type the platform answered that the contract does not list (yet): read, reported, never refused. */
export interface UnknownEventType {
  readonly kind: "unknown-event-type";
  /** JSON pointer of the value in the answer: `/events/3/eventType`, `/webhooks/0/events/1`. */
  readonly path: string;
  readonly eventType: string;
}

/** A way an answer departs from the contract that readers accept and report. */
export type ContractDeviation = UnknownEventType;

const KNOWN_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);
const OPEN_EVENT_TYPE = "ObservedEventType";

/** True for one of the contract's event types. */
export const isKnownEventType = (type: unknown): boolean => typeof type === "string" && KNOWN_TYPES.has(type);

const escapePointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

function walk(schema: string, value: unknown, path: string, into: ContractDeviation[]): void {
  if (schema === OPEN_EVENT_TYPE) {
    if (typeof value === "string" && !KNOWN_TYPES.has(value)) into.push({ kind: "unknown-event-type", path, eventType: value });
    return;
  }
  const fields = Object.hasOwn(SCHEMA_FIELDS, schema) ? SCHEMA_FIELDS[schema as keyof typeof SCHEMA_FIELDS] : undefined;
  if (fields === undefined || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const field of Object.keys(fields)) {
    const inner = fields[field];
    if (inner === null || inner === undefined || !Object.hasOwn(value, field)) continue;
    const held = (value as Record<string, unknown>)[field];
    const at = `${path}/${escapePointer(field)}`;
    if (Array.isArray(held)) held.forEach((item, index) => walk(inner, item, `${at}/${index}`, into));
    else walk(inner, held, at, into);
  }
}

/**
 * The deviations in `value`, a body of the component schema `schema` (`"WebhooksResponse"`,
 * `"WebhookDivertedEventsResponse"`...): every event type it carries that the contract does not
 * list. Empty for a schema that carries none. Never throws.
 */
export function contractDeviations(schema: string | null, value: unknown): ContractDeviation[] {
  const found: ContractDeviation[] = [];
  if (schema !== null) walk(schema, value, "", found);
  return found;
}

/** Counts per unknown event type, most frequent first: `policy.brandNewType ×3, claim.reopen ×1`. */
export function describeDeviations(deviations: readonly ContractDeviation[]): { count: number; types: Map<string, number>; text: string } {
  const types = new Map<string, number>();
  for (const deviation of deviations) types.set(deviation.eventType, (types.get(deviation.eventType) ?? 0) + 1);
  const sorted = [...types].sort((a, b) => b[1] - a[1]);
  // The platform's strings, so bounded: ten types at most, each cut at 100 characters.
  const shown = sorted.slice(0, 10).map(([type, count]) => `${type.length > 100 ? `${type.slice(0, 100)}…` : type} ×${count}`).join(", ");
  const text = `${sorted.length} event type(s) the contract does not list yet: ${shown}${sorted.length > 10 ? ", ..." : ""}`;
  return { count: deviations.length, types, text };
}
