// Which event types a handler subscribes to: an exact type, an entity wildcard at any depth the
// event types use ("policy.*", "policy.quote.*") or "*". Built from the spec's event types.
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import type { WebhookEventType } from "../../generated/schema.js";

/** `"a.*" | "a.b.*"` for `"a.b.c"`: every wildcard that covers the type. */
type WildcardsOf<T extends string> = T extends `${infer Head}.${infer Rest}` ? `${Head}.*` | `${Head}.${WildcardsOf<Rest>}` : never;

/** An event type, a wildcard over the types under a prefix (`"policy.*"`, `"policy.quote.*"`), or every delivery (`"*"`). */
export type WebhookPattern = WebhookEventType | WildcardsOf<WebhookEventType> | "*";

function wildcardsOf(type: string): string[] {
  const parts = type.split(".");
  return parts.slice(1).map((_, i) => `${parts.slice(0, i + 1).join(".")}.*`);
}

const KNOWN_PATTERNS: readonly string[] = [...new Set(["*", ...WEBHOOK_EVENT_TYPES, ...WEBHOOK_EVENT_TYPES.flatMap(wildcardsOf)])];
const KNOWN_PATTERN_SET: ReadonlySet<string> = new Set(KNOWN_PATTERNS);

export { isKnownEventType } from "../client/deviations.js";

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * A predicate over event types for `pattern`.
 * @throws TypeError for a pattern that names no known event type or wildcard, with the closest one.
 */
export function compilePattern(pattern: unknown): (type: string) => boolean {
  if (typeof pattern !== "string") throw new TypeError(`on: the pattern must be a string such as "policy.issue", "policy.*" or "*", got ${pattern === null ? "null" : typeof pattern}`);
  if (!KNOWN_PATTERN_SET.has(pattern)) {
    const closest = KNOWN_PATTERNS.reduce((best, known) => (editDistance(pattern, known) < editDistance(pattern, best) ? known : best));
    throw new TypeError(
      `on: "${pattern.slice(0, 100)}" is not a known event type or wildcard; did you mean "${closest}"? ` +
        'For event types the platform adds later, use their entity wildcard ("policy.*") or "*".',
    );
  }
  if (pattern === "*") return () => true;
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}
