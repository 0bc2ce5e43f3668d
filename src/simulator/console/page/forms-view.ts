// The forms: raise an event (a type from the 100, `data` checked against the contract before it
// is sent, the errors named), save an integration and register a webhook; and the integrations
// and assumptions in force. Every change goes through the simulator's own routes.
import type { Integration } from "../../simulator.js";
import { call, DELIVERY_TIMEOUT_MS } from "./api.js";
import { byId, el, say, setOptions } from "./dom.js";
import { listOf, parseData, problemLines, searchTypes } from "./format.js";

export function createForms(eventTypes: readonly string[], changed: () => Promise<void>) {
  const search = byId<HTMLInputElement>("raise-search");
  const type = byId<HTMLSelectElement>("raise-type");
  const data = byId<HTMLTextAreaElement>("raise-data");
  const transaction = byId<HTMLInputElement>("raise-transaction");
  const raised = byId("raise-result");
  const setup = byId("setup-result");

  const offer = () => setOptions(type, searchTypes(eventTypes, search.value).map((value) => ({ value, label: value })));
  search.addEventListener("input", offer);
  offer();

  byId<HTMLFormElement>("raise-form").addEventListener("submit", (submit) => {
    submit.preventDefault();
    say(raised, ["Checking the event against the contract…"]);
    void (async () => {
      if (type.value === "") return say(raised, ["type: pick an event type (search narrows the list)"], true);
      const checked = parseData(data.value);
      if (!checked.ok) return say(raised, [checked.message], true);
      const event: Record<string, unknown> = { type: type.value, data: checked.value };
      if (transaction.value !== "") event.transactionId = transaction.value;
      const check = await call("POST", "/_simulator/ui/api/check", event);
      const issues = (check.body as { issues?: unknown[] } | null)?.issues;
      if (!check.ok || (Array.isArray(issues) && issues.length > 0)) return say(raised, problemLines(check.ok ? 400 : check.status, check.ok ? { message: "The event breaks the contract", issues } : check.body), true);
      say(raised, [`Raising ${type.value}… (it ends when every delivery has, retries included)`]);
      const answer = await call("POST", "/_simulator/events", event, DELIVERY_TIMEOUT_MS);
      if (!answer.ok) return say(raised, problemLines(answer.status, answer.body), true);
      const result = answer.body as { event: { id: string; transactionId: string }; outcomes: { webhookName: string; outcome: string }[] };
      const outcomes = result.outcomes.length === 0 ? ["no webhook listens for this type"] : result.outcomes.map(({ webhookName, outcome }) => `${webhookName}: ${outcome}`);
      say(raised, [`Raised ${type.value}, event ${result.event.id}, transaction ${result.event.transactionId}.`, ...outcomes]);
      await changed();
    })().catch((error: Error) => say(raised, [`No answer: ${error.name === "TimeoutError" ? "timed out" : "the simulator is unreachable"}; the outcome is unknown.`], true));
  });

  const submitted = (id: string, work: () => Promise<{ ok: boolean; status: number; body: unknown }>, done: string) =>
    byId<HTMLFormElement>(id).addEventListener("submit", (submit) => {
      submit.preventDefault();
      void work()
        .then(async (answer) => {
          say(setup, answer.ok ? [done] : problemLines(answer.status, answer.body), !answer.ok);
          await changed();
        })
        .catch(() => say(setup, ["No answer from the simulator: the outcome is unknown."], true));
    });
  const value = (id: string) => byId<HTMLInputElement | HTMLSelectElement>(id).value.trim();
  submitted("integration-form", () => call("PUT", `/_simulator/integrations/${encodeURIComponent(value("integration-name"))}`, { url: value("integration-url") }), "Integration saved.");
  submitted(
    "webhook-form",
    () => {
      const alert = value("webhook-alert");
      return call("PUT", "/webhooks", {
        name: value("webhook-name"),
        enabled: true,
        integrationName: value("webhook-integration"),
        ...(alert !== "" && { alertIntegrationName: alert }),
        events: listOf(value("webhook-events")),
        failureHandling: { mode: value("webhook-mode"), actOnStatusCodes: listOf(value("webhook-statuses")), actOnTimeout: byId<HTMLInputElement>("webhook-timeout").checked },
        retryStrategy: value("webhook-retry"),
      });
    },
    "Webhook registered.",
  );

  async function loadIntegrations(): Promise<void> {
    const answer = await call("GET", "/_simulator/integrations");
    if (!answer.ok) throw new Error(`GET /_simulator/integrations answered ${answer.status}`);
    const integrations = (answer.body as { integrations: Integration[] }).integrations;
    // Header values may be secrets: only their names are shown.
    byId<HTMLTableElement>("integrations").tBodies[0]!.replaceChildren(
      ...integrations.map((integration) => el("tr", {}, el("th", { scope: "row" }, integration.name), el("td", {}, integration.url), el("td", {}, Object.keys(integration.headers).join(", ") || "none"))),
    );
    const names = integrations.map(({ name }) => ({ value: name, label: name }));
    setOptions(byId("webhook-integration"), names);
    setOptions(byId("webhook-alert"), [{ value: "", label: "None" }, ...names]);
  }

  async function loadAssumptions(): Promise<void> {
    const answer = await call("GET", "/_simulator/assumptions");
    if (!answer.ok) throw new Error(`GET /_simulator/assumptions answered ${answer.status}`);
    byId<HTMLTableElement>("assumptions").tBodies[0]!.replaceChildren(
      ...Object.entries(answer.body as Record<string, unknown>).map(([key, value]) => el("tr", {}, el("th", { scope: "row" }, key), el("td", {}, Array.isArray(value) ? value.join(", ") : String(value)))),
    );
  }

  return { loadIntegrations, loadAssumptions };
}
