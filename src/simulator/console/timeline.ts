// The console's timeline over the simulator's journal: filters, and pages newest first anchored
// on an attempt's `seq`, so that a page stays put while new attempts arrive. Pure functions over
// `simulator.journal`, read in place: an unchanged journal costs O(1), a page one scan, never a copy.
import type { ContractIssue } from "../../errors.js";
import type { DeliveryAttempt, DeliveryJournal, Outcome } from "../simulator.js";

/** What a page reads of the journal. */
export type TimelineJournal = Pick<DeliveryJournal, "size" | "newestSeq" | "visitNewestFirst">;

/** An outcome to filter by: how a delivery ended, or `retried` for an attempt a retry followed. */
export type OutcomeFilter = Outcome | "retried";
export const OUTCOME_FILTERS: readonly OutcomeFilter[] = ["delivered", "diverted", "dropped", "skipped", "queued", "retried"];
export type KindFilter = "event" | "alert";

export interface TimelineFilter {
  webhook?: string;
  type?: string;
  outcome?: OutcomeFilter;
  kind?: KindFilter;
}

export interface TimelineQuery {
  filter: TimelineFilter;
  /** Only attempts older than this `seq` (the next page); none: the newest. */
  before?: number;
  limit: number;
  /** The newest `seq` the caller holds: when it is still the newest of the same journal, the answer says `unchanged`. */
  since?: number;
  /** The journal `since` came from (`TimelinePage.journal`): another one (a restarted simulator counts `seq` from 1 again) is never unchanged. */
  journal?: string;
}

export interface TimelinePage {
  unchanged: boolean;
  /** Newest first. */
  entries: DeliveryAttempt[];
  /** Attempts the filter matches in the whole journal. */
  matched: number;
  /** Attempts in the journal. */
  total: number;
  /** The newest attempt's `seq`, 0 for an empty journal. */
  newest: number;
  /** Which journal this is: one per running console, so that a restarted simulator is told apart. */
  journal: string;
  /** Whether older matching attempts follow this page. */
  more: boolean;
  /** Webhook names and event types in the journal, for the filters' choices. */
  webhooks: string[];
  types: string[];
}

export const MAX_PAGE = 500;
/** Names offered to filter by: a journal of webhooks created and deleted by the thousand lists only this many. */
export const MAX_CHOICES = 1_000;
/** The longest string a query parameter or an attempt's field carries (ids and URLs are clipped to it, then `…`). */
export const MAX_TEXT = 1024;

const clip = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/** An attempt as a page carries it: a transaction id, an event id or a URL may be up to a body's size, which a page of 100 must not multiply. */
function shown(entry: DeliveryAttempt): DeliveryAttempt {
  const { eventId, transactionId, url, integrationName } = entry;
  if (eventId.length <= MAX_TEXT && transactionId.length <= MAX_TEXT && url.length <= MAX_TEXT && integrationName.length <= MAX_TEXT) return entry;
  return { ...entry, eventId: clip(eventId), transactionId: clip(transactionId), url: clip(url), integrationName: clip(integrationName) };
}

export function matches(entry: DeliveryAttempt, filter: TimelineFilter): boolean {
  if (filter.webhook !== undefined && entry.webhookName !== filter.webhook) return false;
  if (filter.type !== undefined && entry.eventType !== filter.type) return false;
  if (filter.kind !== undefined && (entry.kind === "event") !== (filter.kind === "event")) return false;
  if (filter.outcome !== undefined && (entry.outcome ?? "retried") !== filter.outcome) return false;
  return true;
}

/** One page of `entries` (the journal named `journal`) under `query`. */
export function timelinePage(entries: TimelineJournal, query: TimelineQuery, journal: string): TimelinePage {
  const newest = entries.newestSeq;
  const total = entries.size;
  // A journal only grows, or empties on reset (and `seq` never goes back): the same newest `seq` of the same journal is the same journal.
  if (query.since === newest && query.journal === journal) return { unchanged: true, entries: [], matched: 0, total, newest, journal, more: false, webhooks: [], types: [] };
  const webhooks = new Set<string>();
  const types = new Set<string>();
  const page: DeliveryAttempt[] = [];
  let matched = 0;
  let more = false;
  entries.visitNewestFirst((entry) => {
    if (webhooks.size < MAX_CHOICES) webhooks.add(entry.webhookName);
    if (types.size < MAX_CHOICES) types.add(entry.eventType);
    if (!matches(entry, query.filter)) return;
    matched += 1;
    if (query.before !== undefined && entry.seq >= query.before) return;
    if (page.length < query.limit) page.push(shown(entry));
    else more = true;
  });
  const sorted = (set: Set<string>) => [...set].sort();
  return { unchanged: false, entries: page, matched, total, newest, journal, more, webhooks: sorted(webhooks), types: sorted(types) };
}

/** Reads a timeline query from the console's URL; issues name each bad parameter. */
export function parseTimelineQuery(params: URLSearchParams): { query: TimelineQuery; issues: ContractIssue[] } {
  const issues: ContractIssue[] = [];
  const one = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1) issues.push({ path: `query parameter ${name}`, rule: "single", message: "must be given once" });
    return values[0] === "" ? undefined : values[0];
  };
  const integer = (name: string, min: number, max: number): number | undefined => {
    const text = one(name);
    if (text === undefined) return undefined;
    const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
    issues.push({ path: `query parameter ${name}`, rule: "range", message: `must be an integer from ${min} to ${max}` });
    return undefined;
  };
  const text = (name: string): string | undefined => {
    const value = one(name);
    if (value !== undefined && value.length > MAX_TEXT) {
      issues.push({ path: `query parameter ${name}`, rule: "maxLength", message: `must have at most ${MAX_TEXT} characters` });
      return undefined;
    }
    return value;
  };
  const choice = <T extends string>(name: string, values: readonly T[]): T | undefined => {
    const value = one(name);
    if (value === undefined || (values as readonly string[]).includes(value)) return value as T | undefined;
    issues.push({ path: `query parameter ${name}`, rule: "enum", message: `must be one of ${values.join(", ")}` });
    return undefined;
  };
  const filter: TimelineFilter = {};
  const webhook = text("webhook");
  const type = text("type");
  const outcome = choice("outcome", OUTCOME_FILTERS);
  const kind = choice<KindFilter>("kind", ["event", "alert"]);
  if (webhook !== undefined) filter.webhook = webhook;
  if (type !== undefined) filter.type = type;
  if (outcome !== undefined) filter.outcome = outcome;
  if (kind !== undefined) filter.kind = kind;
  const query: TimelineQuery = { filter, limit: integer("limit", 1, MAX_PAGE) ?? 100 };
  const before = integer("before", 1, Number.MAX_SAFE_INTEGER);
  const since = integer("since", 0, Number.MAX_SAFE_INTEGER);
  const journal = text("journal");
  if (before !== undefined) query.before = before;
  if (since !== undefined) query.since = since;
  if (journal !== undefined) query.journal = journal;
  return { query, issues };
}
