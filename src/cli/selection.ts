// Which diverted events a command acts on: --all, --type (a pattern: rules/patterns.ts), --since/--until,
// and transaction ids. Every filter given must match; several --type or ids match any of them.
import type { WebhookDivertedEventResponse } from "../../generated/schema.js";
import { usageError } from "./context.js";
import { quotedArgument } from "./text.js";
import { closestPattern, isEveryPattern, isKnownPattern, MAX_PATTERN_LENGTH, patternMatches } from "../rules/patterns.js";

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

function checkPattern(pattern: string): string {
  if (pattern.length > MAX_PATTERN_LENGTH) throw usageError(`--type: an event type is at most ${MAX_PATTERN_LENGTH} characters`);
  // Every type is --all, said on purpose: a pattern for every type must not stand in for it.
  if (isEveryPattern(pattern)) throw usageError(`--type ${quotedArgument(pattern)} is not an event type of the contract: to act on every event type, pass --all`);
  if (isKnownPattern(pattern)) return pattern;
  const hint = pattern.endsWith(".*") ? "no event type starts with that entity" : `did you mean ${closestPattern(pattern)}?`;
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
  if (selection.patterns.length > 0 && !selection.patterns.some((pattern) => patternMatches(pattern, type))) {
    return false;
  }
  if (selection.since === undefined && selection.until === undefined) return true;
  const time = eventTime(event);
  if (time === undefined) return false;
  return (selection.since === undefined || time >= selection.since) && (selection.until === undefined || time < selection.until);
}
