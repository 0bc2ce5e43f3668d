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

/** A schema's fields that can lead to an event type, with their pointer segments escaped once. */
interface Step {
  readonly field: string;
  readonly segment: string;
  /** The field's own schema: the open event type itself, or the steps within it. */
  readonly inner: Plan;
}
type Plan = typeof OPEN_EVENT_TYPE | readonly Step[];

/**
 * Every schema's plan, or none for a schema that cannot carry an event type (no walk at all):
 * compiled once, so that an answer costs one loop over the few fields that matter.
 */
const PLANS: ReadonlyMap<string, Plan> = (() => {
  const fieldsOf = (schema: string): Record<string, string | null> | undefined =>
    Object.hasOwn(SCHEMA_FIELDS, schema) ? (SCHEMA_FIELDS[schema as keyof typeof SCHEMA_FIELDS] as Record<string, string | null>) : undefined;
  // Which schemas reach the open event type, to a fixed point (schemas may nest each other).
  const carrying = new Set<string>([OPEN_EVENT_TYPE]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const schema of Object.keys(SCHEMA_FIELDS)) {
      if (carrying.has(schema)) continue;
      if (!Object.values(fieldsOf(schema)!).some((inner) => inner !== null && carrying.has(inner))) continue;
      carrying.add(schema);
      grew = true;
    }
  }
  const plans = new Map<string, Plan>([[OPEN_EVENT_TYPE, OPEN_EVENT_TYPE]]);
  // Each plan's array exists before it is filled, so that a schema nesting itself refers to its own.
  for (const schema of carrying) if (schema !== OPEN_EVENT_TYPE) plans.set(schema, []);
  for (const [schema, plan] of plans) {
    if (plan === OPEN_EVENT_TYPE) continue;
    for (const [field, inner] of Object.entries(fieldsOf(schema)!)) {
      if (inner !== null && carrying.has(inner)) (plan as Step[]).push({ field, segment: escapePointer(field), inner: plans.get(inner)! });
    }
  }
  return plans;
})();

// The pointer is built from `at` (the segments walked so far) only when a deviation is found.
function walk(plan: Plan, value: unknown, at: (string | number)[], into: ContractDeviation[]): void {
  if (plan === OPEN_EVENT_TYPE) {
    if (typeof value === "string" && !KNOWN_TYPES.has(value)) into.push({ kind: "unknown-event-type", path: at.length === 0 ? "" : `/${at.join("/")}`, eventType: value });
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (let i = 0; i < plan.length; i += 1) {
    const { field, segment, inner } = plan[i]!;
    if (!Object.hasOwn(value, field)) continue;
    const held = (value as Record<string, unknown>)[field];
    at.push(segment);
    if (Array.isArray(held)) {
      for (let index = 0; index < held.length; index += 1) {
        at.push(index);
        walk(inner, held[index], at, into);
        at.pop();
      }
    } else walk(inner, held, at, into);
    at.pop();
  }
}

/**
 * The deviations in `value`, a body of the component schema `schema` (`"WebhooksResponse"`,
 * `"WebhookDivertedEventsResponse"`...): every event type it carries that the contract does not
 * list. Empty for a schema that carries none. Never throws.
 */
export function contractDeviations(schema: string | null, value: unknown): ContractDeviation[] {
  const found: ContractDeviation[] = [];
  const plan = schema === null ? undefined : PLANS.get(schema);
  if (plan !== undefined) walk(plan, value, [], found);
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
