// The console's page: asks for a token when the simulator has tokens, then shows the webhooks,
// the timeline, the diverted events and the forms, and keeps them current by polling (one
// request round at a time, each bounded, paused while the tab is hidden or "Live" is off).
import { call, useToken, whenUnauthorized } from "./api.js";
import { byId, say } from "./dom.js";
import { createForms } from "./forms-view.js";
import { createTimeline } from "./timeline-view.js";
import { createWebhooks } from "./webhooks-view.js";

const POLL_MS = 1_000;
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
  const refresh = async () => {
    await Promise.all([webhooks.load(), timeline.refresh(), forms.loadIntegrations()]);
  };
  const webhooks = createWebhooks(refresh);
  const forms = createForms((meta.body as { eventTypes: string[] }).eventTypes, refresh);
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
