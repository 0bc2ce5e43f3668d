// The console's page: asks for a token when the simulator has tokens, then shows the webhooks,
// the timeline, the diverted events and the forms, and keeps them current by polling (one
// request round at a time, each bounded, paused while the tab is hidden or "Live" is off).
import { call, useToken, whenUnauthorized } from "./api.js";
import { byId, say } from "./dom.js";
import { createForms } from "./forms-view.js";
import { createTimeline } from "./timeline-view.js";
import { createWebhooks } from "./webhooks-view.js";

const POLL_MS = 1_000;
/** Diverted events are read again when the journal changed, after the console's own actions, and at least this often (a delete by another client leaves no trace in the journal). */
const DIVERTED_MS = 10_000;
const status = byId("status");
const main = byId("main");
const tokenForm = byId<HTMLFormElement>("token-form");
const live = byId<HTMLInputElement>("live");

let started = false;

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
  if (started) return;
  started = true;
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
  await forms.loadAssumptions();
  const poll = async () => {
    if (live.checked && document.visibilityState === "visible" && !main.hidden) {
      try {
        await refresh();
        say(status, [`Live: updated ${new Date().toLocaleTimeString("en-GB")}.`]);
      } catch {
        say(status, ["The simulator does not answer: retrying every second."], true);
      }
    } else if (!live.checked) say(status, ["Paused: tick “Live updates” to follow the simulator."]);
    setTimeout(() => void poll(), POLL_MS);
  };
  await poll();
}

start().catch(() => say(status, ["The simulator does not answer: reload the page to try again."], true));
