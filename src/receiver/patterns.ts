// Which event types a handler subscribes to, in the package's one pattern grammar (rules/patterns.ts):
// an exact type, an entity wildcard at any depth the event types use ("policy.*", "policy.quote.*"),
// or "*" (alias "all").
import type { WebhookEventType } from "../../generated/schema.js";
import { WebhooksOptionError } from "../errors.js";
import { closestPattern, isKnownPattern, patternMatcher } from "../rules/patterns.js";

/** `"a.*" | "a.b.*"` for `"a.b.c"`: every wildcard that covers the type. */
type WildcardsOf<T extends string> = T extends `${infer Head}.${infer Rest}` ? `${Head}.*` | `${Head}.${WildcardsOf<Rest>}` : never;

/** An event type, a wildcard over the types under a prefix (`"policy.*"`, `"policy.quote.*"`), or every delivery (`"*"`, alias `"all"`). */
export type WebhookPattern = WebhookEventType | WildcardsOf<WebhookEventType> | "*" | "all";

export { isKnownEventType } from "../client/deviations.js";

/**
 * A predicate over event types for `pattern`.
 * @throws WebhooksOptionError (option `pattern`) for a pattern that is not a string (rule `type`) or
 * names no known event type or wildcard (rule `unknown`, with the closest one).
 */
export function compilePattern(pattern: unknown): (type: string) => boolean {
  if (typeof pattern !== "string") {
    throw new WebhooksOptionError("on", "pattern", "type", `the pattern must be a string such as "policy.issue", "policy.*" or "*", got ${pattern === null ? "null" : typeof pattern}`);
  }
  if (!isKnownPattern(pattern)) {
    throw new WebhooksOptionError(
      "on",
      "pattern",
      "unknown",
      `"${pattern.slice(0, 100)}" is not a known event type or wildcard; did you mean "${closestPattern(pattern)}"? ` +
        'For event types the platform adds later, use their entity wildcard ("policy.*") or "*".',
    );
  }
  return patternMatcher(pattern);
}
