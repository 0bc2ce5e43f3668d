// The simulator's state: integrations, webhooks, their diverted events (indexed by event id and by
// transaction) and queued events, with the counts and the one byte accounting that bound them;
// snapshot() and restore() over it.
import type { WebhookDivertedEventResponse, WebhookEventType, WebhookPayload, WebhookResponse } from "../../generated/schema.js";
import type { Assumptions } from "./assumptions.js";
import { BadRequest, checkIntegration, checkName, issue } from "./checks.js";
import { checkState, retain } from "./state.js";
import type { Integration, Outcome, RestoreReport, SimulatorLimits, SimulatorState } from "./types.js";

/** A queued event and the outcome record its emit() reports, which unsuspend completes. */
export interface QueuedItem {
  payload: WebhookPayload;
  record: { webhookName: string; outcome: Outcome };
}

export interface StoredWebhook {
  webhook: WebhookResponse;
  /** By event id, in the order they were diverted. */
  diverted: Map<string, WebhookDivertedEventResponse>;
  /** The same events by transaction id, then event id: resend and delete look a transaction up, never scan. */
  byTransaction: Map<string, Map<string, WebhookDivertedEventResponse>>;
  queued: QueuedItem[];
}

export const emptyWebhook = (webhook: WebhookResponse): StoredWebhook => ({ webhook, diverted: new Map(), byTransaction: new Map(), queued: [] });

export class SimulatorStore {
  integrations: Map<string, Integration>;
  webhooks = new Map<string, StoredWebhook>();
  private divertedCount = 0;
  private queuedCount = 0;
  private retainedBytes = 0;
  private readonly sizes = new WeakMap<object, number>();

  constructor(
    private readonly limits: Readonly<SimulatorLimits>,
    private readonly assumptions: Assumptions,
    private readonly initialIntegrations: ReadonlyMap<string, Integration>,
  ) {
    this.integrations = new Map(initialIntegrations);
  }

  private fits(count: number, max: number, size: number): boolean {
    return count < max && this.retainedBytes + size <= this.limits.maxRetainedBytes;
  }

  private keepDiverted(stored: StoredWebhook, event: WebhookDivertedEventResponse, size: number): void {
    stored.diverted.set(event.eventId, event);
    let transaction = stored.byTransaction.get(event.transactionId);
    if (transaction === undefined) stored.byTransaction.set(event.transactionId, (transaction = new Map()));
    transaction.set(event.eventId, event);
    this.sizes.set(event, size);
    this.divertedCount += 1;
    this.retainedBytes += size;
  }

  /** Keeps a failed event; false when it cannot be kept (a limit, or another event under its id). */
  divert(stored: StoredWebhook, payload: WebhookPayload): boolean {
    // A resent event that fails again is already there; another event with its id cannot be kept under it.
    const held = stored.diverted.get(payload.id);
    if (held !== undefined) return held.transactionId === payload.transactionId && held.timestamp === payload.timestamp && held.eventType === payload.type;
    const { copy, size } = retain<WebhookDivertedEventResponse>({
      eventId: payload.id,
      eventType: payload.type as WebhookEventType,
      timestamp: payload.timestamp,
      data: payload.data,
      transactionId: payload.transactionId,
      username: payload.username,
    });
    if (!this.fits(this.divertedCount, this.limits.maxDivertedEvents, size)) return false;
    this.keepDiverted(stored, copy, size);
    return true;
  }

  undivert(stored: StoredWebhook, eventId: string): void {
    const event = stored.diverted.get(eventId);
    if (event === undefined) return;
    stored.diverted.delete(eventId);
    const transaction = stored.byTransaction.get(event.transactionId)!;
    transaction.delete(eventId);
    if (transaction.size === 0) stored.byTransaction.delete(event.transactionId);
    this.divertedCount -= 1;
    this.retainedBytes -= this.sizes.get(event) ?? 0;
  }

  /** The webhook's diverted events of a transaction, in the order diverted: all, or the oldest (assumption transactionIdMatches). */
  transactionEvents(stored: StoredWebhook, transactionId: string): WebhookDivertedEventResponse[] {
    const events = stored.byTransaction.get(transactionId);
    if (events === undefined) return [];
    return this.assumptions.transactionIdMatches === "oldest" ? [events.values().next().value!] : [...events.values()];
  }

  /** Whether any webhook holds a diverted event with this id. */
  holdsDiverted(eventId: string): boolean {
    for (const stored of this.webhooks.values()) if (stored.diverted.has(eventId)) return true;
    return false;
  }

  /** Diverted events held per webhook, by name: the index's size, the events not read. */
  divertedCounts(): Map<string, number> {
    return new Map([...this.webhooks].map(([name, stored]) => [name, stored.diverted.size]));
  }

  /** Queues an event for a suspended webhook (at the front: the one whose failure suspended it); false beyond the limits. */
  enqueue(stored: StoredWebhook, item: QueuedItem, front = false): boolean {
    const { copy, size } = retain(item.payload);
    if (!this.fits(this.queuedCount, this.limits.maxQueuedEvents, size)) return false;
    item.payload = copy;
    this.keepQueued(stored, item, size, front);
    return true;
  }

  private keepQueued(stored: StoredWebhook, item: QueuedItem, size: number, front: boolean): void {
    this.sizes.set(item, size);
    this.retainedBytes += size;
    this.queuedCount += 1;
    if (front) stored.queued.unshift(item);
    else stored.queued.push(item);
  }

  /** Takes the oldest queued event of a webhook. */
  dequeue(stored: StoredWebhook): QueuedItem | undefined {
    const item = stored.queued.shift();
    if (item !== undefined) this.release(item);
    return item;
  }

  private release(item: QueuedItem): void {
    this.queuedCount -= 1;
    this.retainedBytes -= this.sizes.get(item) ?? 0;
  }

  /** Removes a webhook, freeing its diverted events; its queued events end `dropped`. */
  deleteWebhook(stored: StoredWebhook): void {
    this.webhooks.delete(stored.webhook.name);
    for (const eventId of [...stored.diverted.keys()]) this.undivert(stored, eventId);
    for (const item of stored.queued.splice(0)) {
      this.release(item);
      item.record.outcome = "dropped";
    }
  }

  setIntegration(name: string, value: unknown): Integration {
    checkName(name, "/name");
    const checked = checkIntegration(value, "");
    if (!this.integrations.has(name) && this.integrations.size >= this.limits.maxIntegrations) {
      throw new BadRequest(400, [issue("", "maxIntegrations", `the simulator holds at most ${this.limits.maxIntegrations} integrations`)], "Too many integrations");
    }
    const integration = { name, ...checked };
    this.integrations.set(name, integration);
    return integration;
  }

  /** The webhook that delivers to or alerts through integration `name`, if any. */
  integrationUser(name: string): WebhookResponse | undefined {
    for (const { webhook } of this.webhooks.values()) if (webhook.integrationName === name || webhook.alertIntegrationName === name) return webhook;
    return undefined;
  }

  snapshot(): SimulatorState {
    return structuredClone({
      version: 1 as const,
      integrations: [...this.integrations.values()].map((i) => ({ name: i.name, url: i.url, headers: { ...i.headers } })),
      webhooks: [...this.webhooks.values()].map((stored) => ({ webhook: stored.webhook, diverted: [...stored.diverted.values()], queued: stored.queued.map((item) => item.payload) })),
    });
  }

  /** Replaces the state after checking all of it (see checkState); the old one stays on any error. */
  restore(state: SimulatorState): RestoreReport {
    const checked = checkState(state, this.limits, this.assumptions);
    this.detachAll();
    this.integrations = checked.integrations;
    for (const entry of checked.webhooks) {
      const stored = emptyWebhook(entry.webhook);
      for (const { value, size } of entry.diverted) this.keepDiverted(stored, value, size);
      for (const { value, size } of entry.queued) this.keepQueued(stored, { payload: value, record: { webhookName: entry.webhook.name, outcome: "queued" } }, size, false);
      this.webhooks.set(entry.webhook.name, stored);
    }
    return { deviations: checked.deviations };
  }

  reset(): void {
    this.detachAll();
    this.integrations = new Map(this.initialIntegrations);
  }

  /**
   * Empties the webhooks being replaced (reset, restore), so that a delivery or resend still in
   * flight for one of them finds nothing to remove and cannot touch the new state's counts.
   */
  private detachAll(): void {
    for (const stored of this.webhooks.values()) {
      stored.diverted.clear();
      stored.byTransaction.clear();
      for (const item of stored.queued) item.record.outcome = "dropped";
      stored.queued.length = 0;
    }
    this.webhooks = new Map();
    this.divertedCount = this.queuedCount = this.retainedBytes = 0;
  }
}
