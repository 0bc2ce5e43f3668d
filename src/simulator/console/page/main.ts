// The console's page: asks for a token when the simulator has tokens, then shows the webhooks,
// the timeline, the diverted events and the forms, and keeps them current by polling (see
// poller.ts: one request round at a time, each bounded; asleep while the tab is hidden or "Live"
// is off; backing off while the simulator does not answer).
import { call, useToken, whenUnauthorized } from "./api.js";
import { byId, say } from "./dom.js";
import { createForms } from "./forms-view.js";
import { createPoller } from "./poller.js";
import { createTimeline } from "./timeline-view.js";
import { createWebhooks } from "./webhooks-view.js";

const POLL_MS = 1_000;
/** The longest wait between rounds while the simulator does not answer. */
const MAX_BACKOFF_MS = 30_000;
/** Diverted events are read again when the journal changed, after the console's own actions, and at least this often (a delete by another client leaves no trace in the journal). */
const DIVERTED_MS = 10_000;
const status = byId("status");
const main = byId("main");
const tokenForm = byId<HTMLFormElement>("token-form");
const live = byId<HTMLInputElement>("live");

let poller: ReturnType<typeof createPoller> | undefined;

function askForToken(): void {
  main.hidden = true;
  tokenForm.hidden = false;
  say(status, ["This simulator needs one of its tokens."]);
  byId<HTMLInputElement>("token").focus();
}

tokenForm.addEventListener("submit", (submit) => {
  submit.preventDefault();
  const field = byId<HTMLInputElement>("token");
  // fetch refuses a header value outside visible Latin-1: say so rather than fail as if unreachable.
  if (/[^\t\x20-\x7e\x80-\xff]/.test(field.value)) return say(status, ["Token: must be visible Latin-1 characters (as an Authorization header)."], true);
  useToken(field.value);
  field.value = "";
  tokenForm.hidden = true;
  void start();
});
whenUnauthorized(askForToken);

async function start(): Promise<void> {
  const meta = await call("GET", "/_simulator/ui/api/meta");
  if (meta.status === 401) return;
  if (!meta.ok) return say(status, [`The console's routes answered ${meta.status}.`], true);
  main.hidden = false;
  // Started before (a token asked again after a 401): the poller slept while the page was hidden.
  if (poller !== undefined) return poller.wake();
  const timeline = createTimeline();
  let divertedAt = 0;
  const refresh = async (everything = false) => {
    const [journalChanged] = await Promise.all([timeline.refresh(), forms.loadIntegrations()]);
    const withDiverted = everything || journalChanged || Date.now() - divertedAt >= DIVERTED_MS;
    if (withDiverted) divertedAt = Date.now();
    await webhooks.load(withDiverted);
  };
  const webhooks = createWebhooks(() => refresh(true));
  const forms = createForms((meta.body as { eventTypes: string[] }).eventTypes, () => refresh(true));
  poller = createPoller({
    round: async () => {
      await refresh();
      say(status, [`Live: updated ${new Date().toLocaleTimeString("en-GB")}.`]);
    },
    watched: () => live.checked && document.visibilityState === "visible" && !main.hidden,
    intervalMs: POLL_MS,
    maxDelayMs: MAX_BACKOFF_MS,
    failed: (delayMs) => say(status, [`The simulator does not answer: trying again in ${Math.round(delayMs / 1000)} s.`], true),
    sleeping: () => {
      if (!live.checked) say(status, ["Paused: tick “Live updates” to follow the simulator."]);
    },
  });
  document.addEventListener("visibilitychange", () => poller!.wake());
  live.addEventListener("change", () => poller!.wake());
  await forms.loadAssumptions();
  poller.wake();
}

start().catch(() => say(status, ["The simulator does not answer: reload the page to try again."], true));
