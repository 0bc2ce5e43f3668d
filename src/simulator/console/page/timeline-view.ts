// The timeline: one page of attempts at a time (never the whole journal in the page), newest
// first, filtered by the server; the newest page follows the journal live.
import { call } from "./api.js";
import { byId, el, setOptions } from "./dom.js";
import type { TimelinePage } from "../timeline.js";
import { answerText, kindText, OUTCOMES, outcomeText, Pager, timelineUrl, timeText, type Attempt, type Filter } from "./format.js";

export const PAGE_SIZE = 100;

const choices = (all: string, values: readonly string[]) => [{ value: "", label: all }, ...values.map((value) => ({ value, label: value }))];

export function createTimeline() {
  const selects = { webhook: byId<HTMLSelectElement>("filter-webhook"), type: byId<HTMLSelectElement>("filter-type"), outcome: byId<HTMLSelectElement>("filter-outcome"), kind: byId<HTMLSelectElement>("filter-kind") };
  const body = byId<HTMLTableElement>("timeline").tBodies[0]!;
  const count = byId("timeline-count");
  const [newest, newer, older] = ["timeline-newest", "timeline-newer", "timeline-older"].map((id) => byId<HTMLButtonElement>(id)) as [HTMLButtonElement, HTMLButtonElement, HTMLButtonElement];
  const detail = byId("detail");
  const pager = new Pager();
  setOptions(selects.outcome, choices("All outcomes", OUTCOMES));
  // What the table shows: the query it answered, so that an unchanged journal is not fetched again.
  let shown: { key: string; newest: { seq: number; journal: string }; oldest: number | undefined } | undefined;
  let loading: Promise<boolean> | undefined;

  const filter = (): Filter => ({ webhook: selects.webhook.value, type: selects.type.value, outcome: selects.outcome.value, kind: selects.kind.value });

  function row(attempt: Attempt): HTMLTableRowElement {
    const open = el("button", { type: "button", class: "link", "aria-label": `Open attempt ${attempt.seq}: ${timeText(attempt.time)}` }, timeText(attempt.time));
    open.addEventListener("click", () => void openDetail(attempt));
    const outcome = outcomeText(attempt);
    return el(
      "tr",
      { class: `outcome-${outcome}` },
      el("td", {}, open),
      el("td", {}, attempt.webhookName),
      el("td", {}, kindText(attempt.kind), attempt.via === "emit" ? "" : ` (${attempt.via})`),
      el("td", {}, attempt.eventType),
      el("td", { class: "id" }, attempt.eventId),
      el("td", { class: "id" }, attempt.transactionId),
      el("td", {}, String(attempt.attempt)),
      el("td", {}, answerText(attempt)),
      el("td", {}, outcome),
    );
  }

  async function openDetail(attempt: Attempt): Promise<void> {
    const fields: [string, string][] = [
      ["Time", timeText(attempt.time)],
      ["Webhook", attempt.webhookName],
      ["Kind", `${kindText(attempt.kind)} (${attempt.via})`],
      ["Integration", `${attempt.integrationName} ${attempt.url}`],
      ["Event", `${attempt.eventType} ${attempt.eventId}`],
      ["Transaction", attempt.transactionId],
      ["Attempt", String(attempt.attempt)],
      ["Answer", `${answerText(attempt)} after ${Math.round(attempt.ms)} ms`],
      ["Outcome", outcomeText(attempt)],
    ];
    byId("detail-fields").replaceChildren(...fields.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]));
    const target = byId("detail-body");
    detail.hidden = false;
    if (attempt.kind !== "event") {
      target.textContent = "Alert bodies are not kept: an alert carries the webhook's name and the event's data, as the failure or suspension message of the contract.";
      return;
    }
    target.textContent = "Loading…";
    const answer = await call("GET", `/_simulator/ui/api/body?${new URLSearchParams({ eventId: attempt.eventId })}`);
    const sent = (answer.body as { body?: unknown } | null)?.body;
    target.textContent = typeof sent === "string" ? sent : answer.ok ? "Not kept: the console keeps the newest bodies up to its bound (100,000 bodies, 32 MiB)." : `Could not load it (${answer.status}).`;
  }

  function render(page: TimelinePage, key: string): void {
    setOptions(selects.webhook, choices("All webhooks", page.webhooks));
    setOptions(selects.type, choices("All types", page.types));
    body.replaceChildren(...page.entries.map(row));
    const first = (pager.pageNumber - 1) * PAGE_SIZE;
    count.textContent =
      page.matched === 0
        ? `No attempts match (${page.total.toLocaleString("en")} in the journal).`
        : `Showing ${(first + 1).toLocaleString("en")}–${(first + page.entries.length).toLocaleString("en")} of ${page.matched.toLocaleString("en")} matching attempts (${page.total.toLocaleString("en")} in the journal), newest first${pager.atNewest ? ", live" : ""}.`;
    newest.disabled = newer.disabled = pager.atNewest;
    older.disabled = !page.more;
    shown = { key, newest: { seq: page.newest, journal: page.journal }, oldest: page.entries.at(-1)?.seq };
  }

  /** Resolves true when the journal changed since the page shown (so the rest may have too). */
  async function load(): Promise<boolean> {
    const key = timelineUrl(filter(), { before: pager.before, limit: PAGE_SIZE });
    // An older page does not change as the journal grows: only the newest page asks again.
    if (shown?.key === key && !pager.atNewest) return false;
    const since = shown?.key === key ? shown.newest : undefined;
    const answer = await call("GET", timelineUrl(filter(), { before: pager.before, since, limit: PAGE_SIZE }));
    if (!answer.ok) throw new Error(`the timeline answered ${answer.status}`);
    const page = answer.body as TimelinePage;
    if (!page.unchanged) render(page, key);
    return !page.unchanged;
  }

  /** Loads the page the controls ask for; one load at a time, a second call waits for the first. */
  function refresh(): Promise<boolean> {
    loading = (loading ?? Promise.resolve(false)).catch(() => false).then(load);
    return loading;
  }

  for (const select of Object.values(selects)) {
    select.addEventListener("change", () => {
      pager.newest();
      void refresh();
    });
  }
  newest.addEventListener("click", () => (pager.newest(), void refresh()));
  newer.addEventListener("click", () => (pager.newer(), void refresh()));
  older.addEventListener("click", () => {
    if (shown?.oldest === undefined) return;
    pager.older(shown.oldest);
    void refresh();
  });
  byId("detail-close").addEventListener("click", () => (detail.hidden = true));
  return { refresh };
}
