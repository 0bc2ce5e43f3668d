// Which outbound schema a body that fits none of them was meant to be, so that a 400 lists what
// that one requires: the schema sharing the most of the body's own fields, the delivery envelope
// (the first) on a tie. `{}` and `{"type":"policy.issue"}` are deliveries with fields missing,
// not suspension alerts, though the alert has the fewest required fields.
import { OUTBOUND_WEBHOOKS, SCHEMA_FIELDS } from "../../generated/operations.js";

/** How many of the body's own fields `schema` declares. */
function shared(schema: string, value: unknown): number {
  const fields = Object.hasOwn(SCHEMA_FIELDS, schema) ? SCHEMA_FIELDS[schema as keyof typeof SCHEMA_FIELDS] : undefined;
  if (fields === undefined || value === null || typeof value !== "object" || Array.isArray(value)) return 0;
  return Object.keys(value).filter((field) => Object.hasOwn(fields, field)).length;
}

/** The index, in OUTBOUND_WEBHOOKS, of the schema `value` most resembles. */
export function closestOutbound(value: unknown): number {
  let best = 0;
  let bestShared = -1;
  OUTBOUND_WEBHOOKS.forEach(({ schema }, index) => {
    const count = shared(schema, value);
    if (count > bestShared) [best, bestShared] = [index, count];
  });
  return best;
}
