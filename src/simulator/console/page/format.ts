// The page's pure parts: how an attempt reads, the timeline's query and paging, the event-type
// search and the check of `data` before it is sent. Unit-tested under test/simulator/console/.
import type { DeliveryAttempt } from "../../simulator.js";

/** An attempt as the console's timeline route returns it. */
export type Attempt = DeliveryAttempt;

export interface Filter {
  webhook: string;
  type: string;
  outcome: string;
  kind: string;
}

export const OUTCOMES = ["delivered", "diverted", "dropped", "skipped", "queued", "retried"] as const;

const ERRORS: Readonly<Record<string, string>> = Object.freeze({
  timeout: "timeout",
  "no-answer": "no answer",
  "no-integration": "no integration",
  "contract-violation": "not sent (contract violation)",
});
const KINDS: Readonly<Record<string, string>> = Object.freeze({ event: "delivery", failureAlert: "failure alert", suspensionAlert: "suspension alert" });

/** The receiver's answer: its status, or why there was none. */
export function answerText(attempt: Pick<Attempt, "status" | "error">): string {
  if (attempt.status !== null) return String(attempt.status);
  return (attempt.error !== null && Object.hasOwn(ERRORS, attempt.error) ? ERRORS[attempt.error] : undefined) ?? "no answer";
}

/** The most characters of one text the page shows: a name or an id may be 1,024 characters, data far more. */
export const MAX_SHOWN = 300;
// C0 and C1 controls (tab and newline aside), and the invisible marks that reorder or hide text (bidi overrides, isolates, zero widths).
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** `text` as the page shows it: at most `max` characters then `…`, each invisible control written out (`[U+202E]`) so it neither hides nor reorders what surrounds it. */
export function shownText(text: string, max = MAX_SHOWN): string {
  const clipped = text.length > max ? `${text.slice(0, max)}…` : text;
  return clipped.replace(INVISIBLE, (mark) => `[U+${mark.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}]`);
}

/** How the delivery ended; an attempt without an outcome was followed by a retry. */
export const outcomeText = (attempt: Pick<Attempt, "outcome">): string => attempt.outcome ?? "retried";

export const kindText = (kind: string): string => (Object.hasOwn(KINDS, kind) ? KINDS[kind]! : kind);

/** Epoch milliseconds (a number or a digit string) as `2026-12-07 04:05:38.123 UTC`; anything else as given. */
export function timeText(time: number | string | undefined): string {
  if (time === undefined) return "";
  const ms = typeof time === "number" ? time : /^\d{1,16}$/.test(time) ? Number(time) : Number.NaN;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(time) : `${date.toISOString().replace("T", " ").replace("Z", "")} UTC`;
}

/** The timeline route's URL for `filter`, a page anchored `before` a seq, and the newest seq already held (`since`, of `journal`). */
export function timelineUrl(filter: Filter, options: { before?: number | undefined; since?: { seq: number; journal: string } | undefined; limit: number }): string {
  const query = new URLSearchParams();
  for (const key of ["webhook", "type", "outcome", "kind"] as const) if (filter[key] !== "") query.set(key, filter[key]);
  if (options.before !== undefined) query.set("before", String(options.before));
  if (options.since !== undefined) query.set("since", String(options.since.seq)), query.set("journal", options.since.journal);
  query.set("limit", String(options.limit));
  return `/_simulator/ui/api/timeline?${query}`;
}

/**
 * Pages newest first: each older page is anchored on the oldest seq shown; going newer pops the
 * anchor. An empty stack is the newest page, which follows the journal live.
 */
export class Pager {
  private readonly anchors: number[] = [];

  get before(): number | undefined {
    return this.anchors.at(-1);
  }

  get atNewest(): boolean {
    return this.anchors.length === 0;
  }

  get pageNumber(): number {
    return this.anchors.length + 1;
  }

  older(oldestShown: number): void {
    this.anchors.push(oldestShown);
  }

  newer(): void {
    this.anchors.pop();
  }

  newest(): void {
    this.anchors.length = 0;
  }
}

/** Event types whose name holds every word of `search`, case-insensitively, in their order. */
export function searchTypes(types: readonly string[], search: string): string[] {
  const words = search.toLowerCase().split(/\s+/).filter((word) => word !== "");
  return types.filter((type) => {
    const name = type.toLowerCase();
    return words.every((word) => name.includes(word));
  });
}

export type Checked = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/** Reads the form's `data`: JSON, and an object, as EventStreamData requires; the error names the field and the rule. */
export function parseData(text: string): Checked {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `data: is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, message: "data: must be a JSON object (EventStreamData is an object)" };
  return { ok: true, value: value as Record<string, unknown> };
}

export interface Issue {
  path: string;
  rule: string;
  message: string;
}

/** An API error as lines: its message, then each issue with the field and the rule it broke. */
export function problemLines(status: number, body: unknown): string[] {
  const { message, issues } = (typeof body === "object" && body !== null ? body : {}) as { message?: unknown; issues?: unknown };
  const lines = [`${status}: ${typeof message === "string" ? message : "the request failed"}`];
  if (Array.isArray(issues)) for (const issue of issues as Issue[]) lines.push(`${issue.path || "(root)"} ${issue.message} (${issue.rule})`);
  return lines;
}

/** The failure handling of a webhook in one line. */
export function failureText(handling: { mode: string; actOnStatusCodes: readonly string[]; actOnTimeout: boolean }): string {
  const on = [...handling.actOnStatusCodes, ...(handling.actOnTimeout ? ["timeout"] : [])];
  return `${handling.mode}${on.length > 0 ? ` on ${on.join(", ")}` : ""}`;
}

/** A list typed in a field ("policy.issue, policy.create"): its items, trimmed, without empties. */
export const listOf = (text: string): string[] => text.split(/[\s,]+/).filter((item) => item !== "");
