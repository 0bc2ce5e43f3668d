// Which diverted events a command acts on: --all, --type (exact or `entity.*`), --since/--until,
// and transaction ids. Every filter given must match; several --type or ids match any of them.
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import type { WebhookDivertedEventResponse } from "../../generated/schema.js";
import { usageError } from "./context.js";
import { quotedArgument } from "./text.js";

export interface SelectionOptions {
  all?: boolean;
  type?: string[];
  since?: string;
  until?: string;
}

export interface Selection {
  all: boolean;
  patterns: string[];
  since: number | undefined;
  until: number | undefined;
  transactionIds: Set<string>;
}

const KNOWN_TYPES = new Set<string>(WEBHOOK_EVENT_TYPES);

/** The known event type nearest to a misspelt one (edit distance), to suggest it. */
function closestType(input: string): string {
  let best = WEBHOOK_EVENT_TYPES[0] as string;
  let bestDistance = Infinity;
  for (const type of WEBHOOK_EVENT_TYPES) {
    const previous = Array.from({ length: type.length + 1 }, (_, index) => index);
    for (let i = 1; i <= input.length; i += 1) {
      let diagonal = previous[0]!;
      previous[0] = i;
      for (let j = 1; j <= type.length; j += 1) {
        const above = previous[j]!;
        previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (input[i - 1] === type[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    if (previous[type.length]! < bestDistance) [best, bestDistance] = [type, previous[type.length]!];
  }
  return best;
}

function checkPattern(pattern: string): string {
  if (pattern.length > 200) throw usageError("--type: an event type is at most 200 characters");
  if (KNOWN_TYPES.has(pattern)) return pattern;
  if (pattern.endsWith(".*") && WEBHOOK_EVENT_TYPES.some((type) => type.startsWith(pattern.slice(0, -1)))) return pattern;
  const hint = pattern.endsWith(".*") ? "no event type starts with that entity" : `did you mean ${closestType(pattern)}?`;
  throw usageError(`--type ${quotedArgument(pattern)} is not an event type of the contract (${hint}); use an event type such as policy.issue, or an entity wildcard such as claim.*`);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds (the platform's timestamps), an ISO date (midnight UTC) or an ISO date-time with a zone. */
export function parseInstant(option: string, text: string): number {
  const rule = `${option} takes epoch milliseconds (1589740898000), an ISO date (2026-11-27, midnight UTC) or an ISO date-time with its zone (2026-11-27T09:30:00Z)`;
  let ms = Number.NaN;
  if (/^\d{1,15}$/.test(text)) ms = Number(text);
  else {
    const date = DATE.exec(text) ?? DATE_TIME.exec(text);
    if (date !== null) {
      const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
      // Date.parse rolls 2026-02-30 over to March: refuse a day the month does not have.
      const midnight = Date.UTC(year, month - 1, day);
      if (new Date(midnight).getUTCDate() === day && month >= 1 && month <= 12) ms = DATE.test(text) ? midnight : Date.parse(text);
    }
  }
  if (!Number.isFinite(ms)) throw usageError(`${rule}; got ${quotedArgument(text)}`);
  return ms;
}

export function parseSelection(options: SelectionOptions, transactionIds: readonly string[], required: boolean): Selection {
  const patterns = (options.type ?? []).map(checkPattern);
  const since = options.since === undefined ? undefined : parseInstant("--since", options.since);
  const until = options.until === undefined ? undefined : parseInstant("--until", options.until);
  if (since !== undefined && until !== undefined && since >= until) throw usageError("--since must be earlier than --until");
  const filtered = patterns.length > 0 || since !== undefined || until !== undefined || transactionIds.length > 0;
  if (options.all === true && filtered) throw usageError("--all selects every diverted event: give it alone, or use --type, --since, --until or transaction ids instead");
  if (required && options.all !== true && !filtered) {
    throw usageError("choose the diverted events: --all, --type TYPE, --since/--until, or transaction ids as arguments");
  }
  return { all: options.all === true, patterns, since, until, transactionIds: new Set(transactionIds) };
}

/** The event's time in epoch milliseconds, or undefined when the platform sent an unreadable one. */
export function eventTime(event: Pick<WebhookDivertedEventResponse, "timestamp">): number | undefined {
  return typeof event.timestamp === "string" && /^\d{1,15}$/.test(event.timestamp) ? Number(event.timestamp) : undefined;
}

export function selects(selection: Selection, event: Pick<WebhookDivertedEventResponse, "eventType" | "timestamp" | "transactionId">): boolean {
  if (selection.transactionIds.size > 0 && !selection.transactionIds.has(event.transactionId)) return false;
  const type = String(event.eventType);
  if (selection.patterns.length > 0 && !selection.patterns.some((pattern) => pattern === type || (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1))))) {
    return false;
  }
  if (selection.since === undefined && selection.until === undefined) return true;
  const time = eventTime(event);
  if (time === undefined) return false;
  return (selection.since === undefined || time >= selection.since) && (selection.until === undefined || time < selection.until);
}
