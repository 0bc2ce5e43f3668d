// Deliveries, in stages as a delivery worker runs them: prepare (check the event, pick the
// webhooks, serialise once), call (attempts.ts), then decide (decision.ts) and carry the decision
// out: record the attempt, divert or suspend or queue, alert. Every outcome is written in one place.
import type { EventStreamWebhookSuspendedData, FailureMessage, WebhookDivertedEventResponse, WebhookEventType, WebhookPayload } from "../../generated/schema.js";
import { ContractValidationError, type ContractIssue } from "../errors.js";
import { depthIssue } from "../json-depth.js";
import { parse, type SchemaName } from "../validation.js";
import type { Assumptions } from "./assumptions.js";
import type { AttemptResult, Post } from "./attempts.js";
import { issue, nameIssue } from "./checks.js";
import { attemptsFor, decide, isSuccess, type Decision } from "./decision.js";
import type { BoundedLog } from "./log.js";
import type { QueuedItem, SimulatorStore, StoredWebhook } from "./store.js";
import type { DeliveryAttempt, EmitResult, Integration, LoggedEvent, Outcome } from "./types.js";
import { outbound, type AlertName } from "../rules/alerts.js";
import { sleep } from "../rules/wait.js";

type Via = DeliveryAttempt["via"];
type OutcomeRecord = QueuedItem["record"];

export interface DeliveryContext {
  store: SimulatorStore;
  assumptions: Assumptions;
  post: Post;
  journal: BoundedLog<DeliveryAttempt>;
  eventLog: BoundedLog<LoggedEvent>;
  /** Validates what the simulator produced; false (after telling) when it breaks the contract. */
  produced(schema: SchemaName, value: unknown, where: string): boolean;
}

/** Checks what emit() was given and builds the event. @throws ContractValidationError (schema `SimulatorEvent`) naming every bad field. */
export function prepareEvent(type: unknown, input: unknown, store: SimulatorStore): WebhookPayload {
  const issues: ContractIssue[] = [];
  try {
    parse("WebhookEventType", type);
  } catch {
    issues.push(issue("/type", "enum", "must be one of the event types a webhook can subscribe to"));
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ContractValidationError("SimulatorEvent", [...issues, issue("", "type", "must be an object")]);
  const { data = {}, transactionId, username = "simulator", id, ...rest } = input as Record<string, unknown>;
  for (const key of Object.keys(rest)) if (key !== "type") issues.push(issue(`/${key}`, "additionalProperties", "is not a field of an event (type, data, transactionId, username, id)"));
  const deep = depthIssue({ data });
  if (deep !== undefined) issues.push(deep);
  else {
    try {
      parse("EventStreamData", data);
    } catch {
      issues.push(issue("/data", "type", "must be an object"));
    }
  }
  for (const [field, value] of [["transactionId", transactionId], ["username", username], ["id", id]] as const) {
    const problem = value === undefined ? undefined : nameIssue(value, `/${field}`);
    if (problem !== undefined) issues.push(problem);
  }
  if (typeof id === "string" && store.holdsDiverted(id)) issues.push(issue("/id", "unique", "names a diverted event already: event ids are unique"));
  if (issues.length > 0) throw new ContractValidationError("SimulatorEvent", issues);
  return {
    id: (id as string | undefined) ?? crypto.randomUUID(),
    timestamp: String(Date.now()),
    transactionId: (transactionId as string | undefined) ?? crypto.randomUUID(),
    type: type as string,
    username: username as string,
    data: data as Record<string, unknown>,
  };
}

export function createDeliveries({ store, assumptions, post, journal, eventLog, produced }: DeliveryContext) {
  let seq = 0;
  const inFlight = new Set<Promise<unknown>>();
  /** Webhooks whose queue is being released: a repeated unsuspend joins that run rather than start a second, out-of-order one. */
  const releasing = new WeakSet<StoredWebhook>();

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  function record(entry: Omit<DeliveryAttempt, "seq">): void {
    journal.push(Object.freeze({ seq: ++seq, ...entry }));
  }

  const serialise = (payload: WebhookPayload, where: string): string | null => (produced("WebhookPayload", payload, where) ? JSON.stringify(payload) : null);

  async function sendAlert(kind: AlertName, stored: StoredWebhook, payload: WebhookPayload, via: Via, body: FailureMessage | EventStreamWebhookSuspendedData): Promise<void> {
    const name = stored.webhook.alertIntegrationName;
    if (name === undefined) return;
    const integration = store.integrations.get(name);
    const base = { kind, via, webhookName: stored.webhook.name, integrationName: name, url: integration?.url ?? "", eventId: payload.id, transactionId: payload.transactionId, eventType: payload.type, attempt: 1 };
    if (!produced(outbound(kind).schema, body, `${kind} for webhook ${stored.webhook.name}`)) {
      record({ ...base, time: Date.now(), status: null, error: "contract-violation", ms: 0, outcome: "dropped" });
      return;
    }
    const result = await post(integration, JSON.stringify(body));
    record({ ...base, ...result, outcome: isSuccess(result.status) ? "delivered" : "dropped" });
  }

  const failureAlert = (stored: StoredWebhook, payload: WebhookPayload, integration: Integration | undefined, result: AttemptResult, via: Via) =>
    sendAlert("failureAlert", stored, payload, via, {
      actualStatus: result.status !== null ? String(result.status) : result.error === "timeout" ? "timeout" : "no-answer",
      eventData: payload.data,
      expectedStatus: String(assumptions.expectedStatus),
      url: integration?.url ?? "",
      webhookName: assumptions.alertWebhookName === "name" ? { name: stored.webhook.name } : {},
    });

  /** Carries out the mode of a final failure the rules act on; says whether it suspended the webhook. */
  function fail(stored: StoredWebhook, payload: WebhookPayload, decision: Extract<Decision, { action: "fail" }>, entry: OutcomeRecord): { outcome: Outcome; suspendedNow: boolean } {
    const { webhook } = stored;
    let outcome: Outcome = "dropped";
    let suspendedNow = false;
    if (decision.mode === "divert") outcome = store.divert(stored, payload) ? "diverted" : "dropped";
    else if (decision.mode === "suspend") {
      if (!webhook.suspended) {
        webhook.suspended = true;
        webhook.suspendedTimestamp = String(Date.now());
        suspendedNow = true;
      }
      if (decision.queue && store.enqueue(stored, { payload, record: entry }, true)) outcome = "queued";
    }
    return { outcome, suspendedNow };
  }

  /**
   * Delivers `payload` to one webhook with its retries, then carries out the failure decision.
   * `body` is the payload as JSON, or null when it broke the contract (then nothing is sent).
   */
  async function deliver(stored: StoredWebhook, payload: WebhookPayload, body: string | null, via: Via, entry: OutcomeRecord): Promise<Outcome> {
    const { name, integrationName, retryStrategy } = stored.webhook;
    const integration = store.integrations.get(integrationName);
    const base = { kind: "event" as const, via, webhookName: name, integrationName, url: integration?.url ?? "", eventId: payload.id, transactionId: payload.transactionId, eventType: payload.type };
    if (body === null) {
      record({ ...base, attempt: 1, time: Date.now(), status: null, error: "contract-violation", ms: 0, outcome: "dropped" });
      return "dropped";
    }
    const attempts = attemptsFor(retryStrategy, assumptions);
    for (let attempt = 1; ; attempt += 1) {
      const result = await post(integration, body);
      const decision = decide({ webhook: stored.webhook, current: store.webhooks.get(name) === stored, attempt, attempts, result, assumptions });
      if (decision.action === "retry") {
        record({ ...base, ...result, attempt });
        if (decision.alert) await failureAlert(stored, payload, integration, result, via);
        if (assumptions.retryDelayMs > 0) await sleep(assumptions.retryDelayMs);
        continue;
      }
      if (decision.action !== "fail") {
        const outcome = decision.action === "delivered" ? "delivered" : "dropped";
        record({ ...base, ...result, attempt, outcome });
        return outcome;
      }
      const { outcome, suspendedNow } = fail(stored, payload, decision, entry);
      record({ ...base, ...result, attempt, outcome });
      // The last failed attempt is alerted under either failureAlerts assumption.
      const alerts = [failureAlert(stored, payload, integration, result, via)];
      if (suspendedNow) alerts.push(sendAlert("suspensionAlert", stored, payload, via, { event: payload.type as WebhookEventType, integrationName, webhookName: name }));
      await Promise.all(alerts);
      return outcome;
    }
  }

  async function raise(payload: WebhookPayload): Promise<EmitResult> {
    const outcomes: EmitResult["outcomes"] = [];
    const deliveries: Promise<unknown>[] = [];
    // Checked and serialised once for all its webhooks, and only when one will receive it.
    let body: string | null | undefined;
    for (const stored of store.webhooks.values()) {
      const { webhook } = stored;
      if (!webhook.events.includes(payload.type as WebhookEventType)) continue;
      const entry: OutcomeRecord = { webhookName: webhook.name, outcome: "skipped" };
      outcomes.push(entry);
      if (!webhook.enabled) continue;
      if (webhook.suspended) {
        if (assumptions.suspendedWebhook === "queue" && store.enqueue(stored, { payload, record: entry })) entry.outcome = "queued";
        continue;
      }
      if (body === undefined) body = serialise(payload, "event delivery");
      deliveries.push(deliver(stored, payload, body, "emit", entry).then((outcome) => (entry.outcome = outcome)));
    }
    await Promise.all(deliveries);
    const { data: _data, ...envelope } = payload;
    eventLog.push({ event: envelope, outcomes });
    return { event: payload, outcomes };
  }

  async function releaseQueue(stored: StoredWebhook): Promise<void> {
    if (releasing.has(stored)) return;
    releasing.add(stored);
    try {
      while (stored.queued.length > 0 && !stored.webhook.suspended && store.webhooks.get(stored.webhook.name) === stored) {
        const item = store.dequeue(stored)!;
        item.record.outcome = await deliver(stored, item.payload, serialise(item.payload, "queued event delivery"), "unsuspend", item.record);
      }
    } finally {
      releasing.delete(stored);
    }
  }

  async function resend(stored: StoredWebhook, events: readonly WebhookDivertedEventResponse[]): Promise<void> {
    await Promise.all(
      events.map(async (event) => {
        if (assumptions.resend === "remove") store.undivert(stored, event.eventId);
        const payload: WebhookPayload = { id: event.eventId, timestamp: event.timestamp, transactionId: event.transactionId, type: event.eventType, username: event.username ?? "", data: event.data };
        const outcome = await deliver(stored, payload, serialise(payload, "resent event delivery"), "resend", { webhookName: stored.webhook.name, outcome: "skipped" });
        if (outcome === "delivered" && assumptions.resend === "remove-on-delivery") store.undivert(stored, event.eventId);
      }),
    );
  }

  return {
    /** Raises a prepared event; resolves once every delivery of it has ended. */
    raise: (payload: WebhookPayload) => track(raise(payload)),
    /** Delivers a webhook's queued events in order, in the background (after unsuspend). */
    release: (stored: StoredWebhook) => void track(releaseQueue(stored)),
    /** Redelivers diverted events; settled() waits for it too. */
    resend: (stored: StoredWebhook, events: readonly WebhookDivertedEventResponse[]) => track(resend(stored, events)),
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
