// The webhooks at a glance, with Unsuspend through the platform's own operation; and the
// diverted events of one webhook, with Resend and Delete (one, or every selected one) through
// the platform's operations, so the simulator's rules (resend assumptions, transaction matching) apply.
import type { WebhookDivertedEventResponse, WebhookResponse } from "../../../../generated/schema.js";
import { call, DELIVERY_TIMEOUT_MS, webhookPath } from "./api.js";
import { button, byId, el, say, setOptions } from "./dom.js";
import { failureText, problemLines, timeText } from "./format.js";

type Webhook = WebhookResponse;
type Diverted = WebhookDivertedEventResponse;

const DIVERTED_PAGE = 100;
const DATA_SHOWN = 200;

export function createWebhooks(changed: () => Promise<void>) {
  const table = byId<HTMLTableElement>("webhooks").tBodies[0]!;
  const empty = byId("webhooks-empty");
  const divertedSelect = byId<HTMLSelectElement>("diverted-webhook");
  const divertedBody = byId<HTMLTableElement>("diverted").tBodies[0]!;
  const divertedCount = byId("diverted-count");
  const result = byId("diverted-result");
  const selectAll = byId<HTMLInputElement>("diverted-all");
  const previous = byId<HTMLButtonElement>("diverted-previous");
  const next = byId<HTMLButtonElement>("diverted-next");
  let webhooks: Webhook[] = [];
  /** Diverted events per webhook, read with them (a count is the simulator's index size: cheap). */
  let counts = new Map<string, number>();
  const countText = (name: string): string => counts.get(name)?.toLocaleString("en") ?? "…";
  let offset = 0;
  let events: Diverted[] = [];
  /** Loads of the diverted events asked for so far: only the last one asked may show its answer. */
  let divertedLoads = 0;
  /** Selected transactions: the operations act per transaction. */
  const selected = new Set<string>();

  async function act(label: string, requests: readonly (() => Promise<{ status: number; ok: boolean; body: unknown }>)[]): Promise<void> {
    say(result, [`${label}…`]);
    const failures: string[] = [];
    let done = 0;
    for (const request of requests) {
      const answer = await request().catch((error: Error) => ({ status: 0, ok: false, body: { message: error.name === "TimeoutError" ? "no answer in time: the outcome is unknown" : "no answer: the outcome is unknown" } }));
      if (answer.ok) done += 1;
      else failures.push(...problemLines(answer.status, answer.body));
    }
    say(result, [`${label}: ${done} of ${requests.length} accepted.`, ...failures], failures.length > 0);
    await changed();
  }

  const resend = (name: string, transactionId: string) => () => call("POST", webhookPath(name, "diverted", transactionId, "resend"), undefined, DELIVERY_TIMEOUT_MS);
  const remove = (name: string, transactionId: string) => () => call("DELETE", webhookPath(name, "diverted", transactionId));

  function webhookRow(webhook: Webhook): HTMLTableRowElement {
    const state = !webhook.enabled ? "disabled" : webhook.suspended ? `suspended since ${timeText(webhook.suspendedTimestamp)}` : "enabled";
    const actions = el("td", {});
    if (webhook.suspended) actions.append(button("Unsuspend", () => void act(`Unsuspend ${webhook.name}`, [() => call("PATCH", webhookPath(webhook.name, "unsuspend"))])));
    actions.append(button("Show diverted", () => ((divertedSelect.value = webhook.name), (offset = 0), void loadDiverted())));
    return el(
      "tr",
      { class: webhook.suspended ? "suspended" : webhook.enabled ? "" : "disabled" },
      el("th", { scope: "row" }, webhook.name, webhook.displayName === undefined ? "" : el("span", { class: "muted" }, ` (${webhook.displayName})`)),
      el("td", {}, state),
      el("td", {}, countText(webhook.name)),
      el("td", {}, failureText(webhook.failureHandling)),
      el("td", {}, webhook.retryStrategy),
      el("td", {}, webhook.events.join(", ")),
      el("td", {}, webhook.integrationName),
      el("td", {}, webhook.alertIntegrationName ?? "none"),
      actions,
    );
  }

  function divertedRow(name: string, event: Diverted): HTMLTableRowElement {
    const box = el("input", { type: "checkbox", "aria-label": `Select event ${event.eventId}` });
    box.checked = selected.has(event.transactionId);
    box.addEventListener("change", () => (box.checked ? selected.add(event.transactionId) : selected.delete(event.transactionId)));
    const data = JSON.stringify(event.data) ?? "";
    return el(
      "tr",
      {},
      el("td", {}, box),
      el("td", {}, timeText(event.timestamp)),
      el("td", {}, event.eventType),
      el("td", { class: "id" }, event.eventId),
      el("td", { class: "id" }, event.transactionId),
      el("td", { class: "data", title: data.slice(0, 2000) }, data.length > DATA_SHOWN ? `${data.slice(0, DATA_SHOWN)}…` : data),
      el("td", {}, button("Resend", () => void act(`Resend ${event.transactionId}`, [resend(name, event.transactionId)])), button("Delete", () => void act(`Delete ${event.transactionId}`, [remove(name, event.transactionId)]))),
    );
  }

  /** One webhook's page of diverted events, with the counts read again unless the caller just did. */
  async function loadDiverted(withCounts = true): Promise<void> {
    const name = divertedSelect.value;
    if (name === "") {
      divertedLoads += 1;
      events = [];
      divertedBody.replaceChildren();
      say(divertedCount, ["No webhook to show."]);
      return;
    }
    const asked = ++divertedLoads;
    const [answer] = await Promise.all([call("GET", `${webhookPath(name, "diverted")}?limit=${DIVERTED_PAGE}&offset=${offset}`), withCounts ? loadCounts() : undefined]);
    // Another webhook or page was asked for meanwhile: this answer would show its events under that choice.
    if (asked !== divertedLoads) return;
    if (!answer.ok) {
      say(divertedCount, problemLines(answer.status, answer.body), true);
      return;
    }
    events = ((answer.body as { events?: Diverted[] }).events ?? []).slice(0, DIVERTED_PAGE);
    for (const transactionId of [...selected]) if (!events.some((event) => event.transactionId === transactionId)) selected.delete(transactionId);
    divertedBody.replaceChildren(...events.map((event) => divertedRow(name, event)));
    selectAll.checked = events.length > 0 && events.every((event) => selected.has(event.transactionId));
    const held = counts.get(name);
    const of = held === undefined ? `of ${name}${events.length === DIVERTED_PAGE ? " (more may follow)" : ""}` : `of ${held.toLocaleString("en")} held by ${name}`;
    say(divertedCount, [events.length === 0 ? (offset === 0 ? `${name} has no diverted events.` : "No more diverted events.") : `Diverted events ${offset + 1}–${offset + events.length} ${of}.`]);
    previous.disabled = offset === 0;
    next.disabled = events.length < DIVERTED_PAGE || (held !== undefined && offset + events.length >= held);
  }

  /** The diverted counts; kept as they were when the console cannot say (they show as read last). */
  async function loadCounts(): Promise<void> {
    const answer = await call("GET", "/_simulator/ui/api/diverted-counts");
    const listed = (answer.body as { webhooks?: unknown } | null)?.webhooks;
    if (answer.ok && Array.isArray(listed)) counts = new Map((listed as { name: string; diverted: number }[]).map(({ name, diverted }) => [name, diverted]));
  }

  /** Loads the webhooks, and their diverted events and counts when `withDiverted` (a page of events can weigh megabytes). */
  async function load(withDiverted: boolean): Promise<void> {
    const [answer] = await Promise.all([call("GET", "/webhooks"), withDiverted ? loadCounts() : undefined]);
    if (!answer.ok) throw new Error(`GET /webhooks answered ${answer.status}`);
    webhooks = (answer.body as { webhooks: Webhook[] }).webhooks;
    table.replaceChildren(...webhooks.map(webhookRow));
    empty.hidden = webhooks.length > 0;
    const before = divertedSelect.value;
    setOptions(divertedSelect, webhooks.map(({ name }) => ({ value: name, label: counts.has(name) ? `${name} (${countText(name)})` : name })));
    if (divertedSelect.value !== before) offset = 0;
    if (withDiverted || divertedSelect.value !== before) await loadDiverted(!withDiverted);
  }

  divertedSelect.addEventListener("change", () => ((offset = 0), selected.clear(), void loadDiverted()));
  selectAll.addEventListener("change", () => {
    for (const event of events) (selectAll.checked ? selected.add(event.transactionId) : selected.delete(event.transactionId));
    for (const box of divertedBody.querySelectorAll<HTMLInputElement>("input[type=checkbox]")) box.checked = selectAll.checked;
  });
  const bulk = (label: string, operation: typeof resend) => () => {
    const name = divertedSelect.value;
    const chosen = [...selected];
    if (chosen.length === 0) return say(result, [`${label}: select events first.`], true);
    selected.clear();
    void act(`${label} (${chosen.length})`, chosen.map((transactionId) => operation(name, transactionId)));
  };
  byId("diverted-resend").addEventListener("click", bulk("Resend selected", resend));
  byId("diverted-delete").addEventListener("click", bulk("Delete selected", remove));
  previous.addEventListener("click", () => ((offset = Math.max(0, offset - DIVERTED_PAGE)), void loadDiverted()));
  next.addEventListener("click", () => ((offset += DIVERTED_PAGE), void loadDiverted()));
  return { load, names: () => webhooks.map(({ name }) => name) };
}
