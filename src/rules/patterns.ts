// The one grammar of event patterns, for the receiver's `on()`, the sender's `types` and the
// command line's --type and `send --type`:
//   an event type          policy.issue
//   an entity wildcard     policy.*, policy.quote.* (every type under that prefix, at any depth)
//   every event type       *  (alias: all)
// A pattern is valid when it names at least one event type of the contract. A wildcard also
// matches types the platform adds later (tolerant in what we read).
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import type { WebhookEventType } from "../../generated/schema.js";
import { closest } from "./closest.js";

/** The spellings of "every event type": `*` and its alias `all`. */
export const EVERY_EVENT_TYPE = Object.freeze(["*", "all"] as const);

/** The longest pattern read: no event type is near it. */
export const MAX_PATTERN_LENGTH = 200;

/** Whether `pattern` is a spelling of every event type. */
export const isEveryPattern = (pattern: string): boolean => pattern === "*" || pattern === "all";

function wildcardsOf(type: string): string[] {
  const parts = type.split(".");
  return parts.slice(1).map((_, i) => `${parts.slice(0, i + 1).join(".")}.*`);
}

/** Every valid pattern, `*` first, then the types, then their wildcards. */
const KNOWN_PATTERNS: readonly string[] = [...new Set(["*", ...WEBHOOK_EVENT_TYPES, ...WEBHOOK_EVENT_TYPES.flatMap(wildcardsOf)])];
const KNOWN: ReadonlySet<string> = new Set([...KNOWN_PATTERNS, "all"]);

/** Whether `pattern` names at least one event type of the contract. */
export const isKnownPattern = (pattern: string): boolean => KNOWN.has(pattern);

/** Whether `type` (known to the contract or not) is one `pattern` covers. */
export function patternMatches(pattern: string, type: string): boolean {
  if (isEveryPattern(pattern)) return true;
  return pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/** A predicate for `pattern`, built once (the receiver calls it per delivery). */
export function patternMatcher(pattern: string): (type: string) => boolean {
  if (isEveryPattern(pattern)) return () => true;
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}

/** The contract's event types `pattern` covers (none for an unknown pattern). */
export const typesOfPattern = (pattern: string): WebhookEventType[] => WEBHOOK_EVENT_TYPES.filter((type) => patternMatches(pattern, type));

/** The valid pattern nearest to a misspelt one (letters compared without case), to suggest it. */
export const closestPattern = (pattern: string): string => closest(pattern.slice(0, MAX_PATTERN_LENGTH), KNOWN_PATTERNS, true)!;
