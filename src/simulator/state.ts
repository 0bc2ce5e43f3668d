// restore()'s check of a state, whole before anything changes: every bad field named in one error,
// the limits applied with the store's own byte accounting, and event types the contract does not
// list yet kept as reported deviations (tolerant in what is read).
import { WEBHOOK_EVENT_TYPES } from "../../generated/event-types.js";
import type { WebhookDivertedEventResponse, WebhookPayload, WebhookResponse } from "../../generated/schema.js";
import { utf8Length } from "../bytes.js";
import { ContractValidationError, type ContractIssue } from "../errors.js";
import { depthIssue } from "../json-depth.js";
import { validate, type SchemaName } from "../validation.js";
import type { Assumptions } from "./assumptions.js";
import { BadRequest, checkIntegration, checkName, issue } from "./checks.js";
import type { Integration, SimulatorLimits, SimulatorState } from "./types.js";

const KNOWN_TYPES = new Set<string>(WEBHOOK_EVENT_TYPES);

/**
 * The one accounting of what diverted and queued events hold, for divert, enqueue and restore
 * alike: the UTF-8 bytes of their JSON as snapshot() shows them. Also the copy kept, whatever the
 * caller does with its value afterwards.
 */
export function retain<T>(value: T): { copy: T; size: number } {
  const text = JSON.stringify(value);
  return { copy: JSON.parse(text) as T, size: utf8Length(text) };
}

type Kept<T> = { value: T; size: number };

export interface CheckedState {
  integrations: Map<string, Integration>;
  webhooks: { webhook: WebhookResponse; diverted: Kept<WebhookDivertedEventResponse>[]; queued: Kept<WebhookPayload>[] }[];
  deviations: ContractIssue[];
}

/** @throws ContractValidationError (schema `SimulatorState`) naming every bad field. */
export function checkState(state: SimulatorState, limits: Readonly<SimulatorLimits>, assumptions: Assumptions): CheckedState {
  const issues: ContractIssue[] = [];
  const deviations: ContractIssue[] = [];
  const at = (path: string, error: unknown) => {
    if (error instanceof ContractValidationError || error instanceof BadRequest) issues.push(...error.issues.map((i) => ({ ...i, path: `${path}${i.path}` })));
    else throw error;
  };
  const unknownType = (type: unknown, path: string) => {
    if (typeof type === "string" && !KNOWN_TYPES.has(type)) deviations.push(issue(path, "unknownEventType", "is not an event type this contract lists: kept as it is"));
  };
  // validate, not parse: a string in a state is a string, never JSON text to decode.
  /** An event as `schema`, its type field read tolerantly: a type the contract does not list is a deviation, and checked as a listed one. */
  const event = <T>(schema: SchemaName, typeField: "eventType" | "type", value: unknown, path: string): Kept<T> | undefined => {
    const deep = depthIssue(value, path);
    if (deep !== undefined) return void issues.push(deep);
    const type = (value as Record<string, unknown> | null)?.[typeField];
    const unknown = typeof type === "string" && !KNOWN_TYPES.has(type);
    if (unknown) unknownType(type, `${path}/${typeField}`);
    try {
      validate(schema, unknown ? { ...(value as object), [typeField]: WEBHOOK_EVENT_TYPES[0] } : value);
    } catch (error) {
      return void at(path, error);
    }
    const { copy, size } = retain(value as T);
    return { value: copy, size };
  };

  if (typeof state !== "object" || state === null || state.version !== 1 || !Array.isArray(state.integrations) || !Array.isArray(state.webhooks)) {
    throw new ContractValidationError("SimulatorState", [issue("", "type", "must be { version: 1, integrations: [...], webhooks: [...] } as snapshot() returns")]);
  }
  if (state.integrations.length > limits.maxIntegrations) issues.push(issue("/integrations", "maxItems", `must hold at most ${limits.maxIntegrations}`));
  if (state.webhooks.length > limits.maxWebhooks) issues.push(issue("/webhooks", "maxItems", `must hold at most ${limits.maxWebhooks}`));
  const integrations = new Map<string, Integration>();
  state.integrations.slice(0, limits.maxIntegrations).forEach((integration, i) => {
    try {
      const name = checkName((integration as Partial<Integration>)?.name, "/name");
      if (integrations.has(name)) issues.push(issue(`/integrations/${i}/name`, "unique", "repeats an earlier integration's name"));
      integrations.set(name, { name, ...checkIntegration(integration, "") });
    } catch (error) {
      at(`/integrations/${i}`, error);
    }
  });
  const webhooks: CheckedState["webhooks"] = [];
  const names = new Set<string>();
  let diverted = 0;
  let queued = 0;
  let bytes = 0;
  state.webhooks.slice(0, limits.maxWebhooks).forEach((entry, i) => {
    const path = `/webhooks/${i}`;
    if (typeof entry !== "object" || entry === null || !Array.isArray(entry.diverted) || !Array.isArray(entry.queued)) {
      issues.push(issue(path, "type", "must be { webhook, diverted: [...], queued: [...] }"));
      return;
    }
    // Each part is checked even when another is bad, so that one error names every bad field.
    let webhook: WebhookResponse | undefined;
    try {
      webhook = structuredClone(validate("WebhookResponse", entry.webhook));
      if (names.has(webhook.name)) issues.push(issue(`${path}/webhook/name`, "unique", "repeats an earlier webhook's name"));
      names.add(webhook.name);
      // The contract reads a webhook's `events` tolerantly (ObservedEventType): kept, and reported like an event's type.
      webhook.events.forEach((type, j) => unknownType(type, `${path}/webhook/events/${j}`));
      for (const [field, name] of [["integrationName", webhook.integrationName], ["alertIntegrationName", webhook.alertIntegrationName]] as const) {
        if (name !== undefined && assumptions.unknownIntegration === "reject" && !integrations.has(name)) issues.push(issue(`${path}/webhook/${field}`, "integration", "names no integration of this state"));
      }
    } catch (error) {
      at(`${path}/webhook`, error);
    }
    const checked: CheckedState["webhooks"][number] = { webhook: webhook!, diverted: [], queued: [] };
    const ids = new Set<string>();
    diverted += entry.diverted.length;
    queued += entry.queued.length;
    entry.diverted.forEach((value, j) => {
      const kept = event<WebhookDivertedEventResponse>("WebhookDivertedEventResponse", "eventType", value, `${path}/diverted/${j}`);
      if (kept === undefined) return;
      // Keyed by event id: a second event with an id would silently replace the first.
      if (ids.has(kept.value.eventId)) issues.push(issue(`${path}/diverted/${j}/eventId`, "unique", "repeats an earlier diverted event's id"));
      ids.add(kept.value.eventId);
      checked.diverted.push(kept);
      bytes += kept.size;
    });
    entry.queued.forEach((value, j) => {
      // Any event type: a PUT may have changed the webhook's list after the event was queued, and unsuspend delivers it all the same.
      const kept = event<WebhookPayload>("WebhookPayload", "type", value, `${path}/queued/${j}`);
      if (kept === undefined) return;
      checked.queued.push(kept);
      bytes += kept.size;
    });
    if (webhook !== undefined) webhooks.push(checked);
  });
  if (diverted > limits.maxDivertedEvents) issues.push(issue("/webhooks", "maxDivertedEvents", `must hold at most ${limits.maxDivertedEvents} diverted events in all`));
  if (queued > limits.maxQueuedEvents) issues.push(issue("/webhooks", "maxQueuedEvents", `must hold at most ${limits.maxQueuedEvents} queued events in all`));
  if (bytes > limits.maxRetainedBytes) issues.push(issue("/webhooks", "maxRetainedBytes", `must hold at most ${limits.maxRetainedBytes} bytes of diverted and queued events`));
  if (issues.length > 0) throw new ContractValidationError("SimulatorState", issues);
  return { integrations, webhooks, deviations };
}
