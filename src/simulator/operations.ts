// The platform's eight operations over the store, keyed by the spec's operationId: createSimulator
// fails at once if the spec gains an operation this table lacks.
import { OPERATIONS, type OperationEntry } from "../../generated/operations.js";
import type { WebhookRequest, WebhookResponse } from "../../generated/schema.js";
import type { ContractIssue } from "../errors.js";
import type { Assumptions } from "./assumptions.js";
import { BadRequest, issue } from "./checks.js";
import type { Deliveries } from "./delivery.js";
import { readInteger, type OperationId } from "./routes.js";
import { emptyWebhook, type SimulatorStore, type StoredWebhook } from "./store.js";
import type { SimulatorLimits } from "./types.js";

export type OperationCall = { params: Record<string, string>; query: URLSearchParams; body: unknown; entry: OperationEntry };
// Partial: the schema's operation ids also name the outbound webhooks (receive*), which the simulator sends rather than serves.
export type Operations = Partial<Record<OperationId, (call: OperationCall) => unknown>>;

export function createOperations(store: SimulatorStore, deliveries: Deliveries, assumptions: Assumptions, limits: Readonly<SimulatorLimits>): Operations {
  function webhookOf(name: string): StoredWebhook {
    const stored = store.webhooks.get(name);
    if (stored === undefined) throw new BadRequest(404, [issue("path parameter name", "exists", "names no webhook")], "Webhook not found");
    return stored;
  }

  function knownIntegration(name: string | undefined, path: string): void {
    if (assumptions.unknownIntegration === "accept") return;
    if (name === undefined) throw new BadRequest(400, [issue(path, "required", "is required: the simulator delivers to a registered integration (assumption unknownIntegration=reject)")], "Invalid request");
    if (!store.integrations.has(name)) throw new BadRequest(400, [issue(path, "integration", "names no integration registered with the simulator (PUT /_simulator/integrations/{name})")], "Invalid request");
  }

  function transaction(stored: StoredWebhook, transactionId: string) {
    const found = store.transactionEvents(stored, transactionId);
    if (found.length === 0) throw new BadRequest(404, [issue("path parameter transactionId", "exists", "names no diverted event of this webhook")], "Diverted event not found");
    return found;
  }

  function putWebhook(request: WebhookRequest): WebhookResponse {
    const existing = store.webhooks.get(request.name);
    if (existing === undefined && store.webhooks.size >= limits.maxWebhooks) throw new BadRequest(400, [issue("", "maxWebhooks", `the simulator holds at most ${limits.maxWebhooks} webhooks`)], "Too many webhooks");
    const kept = assumptions.update === "merge" ? existing?.webhook : undefined;
    const integrationName = request.integrationName ?? kept?.integrationName;
    knownIntegration(integrationName, "/integrationName");
    const alertIntegrationName =
      request.resetAlertIntegrationName === true && assumptions.resetAlertIntegrationName === "removes" ? undefined : (request.alertIntegrationName ?? kept?.alertIntegrationName);
    if (alertIntegrationName !== undefined) knownIntegration(alertIntegrationName, "/alertIntegrationName");
    const handling = request.failureHandling;
    const webhook: WebhookResponse = {
      name: request.name,
      enabled: request.enabled ?? kept?.enabled ?? assumptions["defaults.enabled"] === "true",
      events: [...(request.events ?? kept?.events ?? [])],
      failureHandling: {
        actOnStatusCodes: [...(handling?.actOnStatusCodes ?? kept?.failureHandling.actOnStatusCodes ?? assumptions["defaults.actOnStatusCodes"])],
        actOnTimeout: handling?.actOnTimeout ?? kept?.failureHandling.actOnTimeout ?? assumptions["defaults.actOnTimeout"] === "true",
        mode: handling?.mode ?? kept?.failureHandling.mode ?? assumptions["defaults.mode"],
      },
      integrationName: integrationName ?? "",
      retryStrategy: request.retryStrategy ?? kept?.retryStrategy ?? assumptions["defaults.retryStrategy"],
      suspended: existing?.webhook.suspended ?? false,
    };
    const suspendedTimestamp = existing?.webhook.suspendedTimestamp;
    if (suspendedTimestamp !== undefined) webhook.suspendedTimestamp = suspendedTimestamp;
    if (alertIntegrationName !== undefined) webhook.alertIntegrationName = alertIntegrationName;
    const displayName = request.displayName ?? kept?.displayName;
    if (displayName !== undefined) webhook.displayName = displayName;
    if (existing) existing.webhook = webhook;
    else store.webhooks.set(webhook.name, emptyWebhook(webhook));
    return webhook;
  }

  const operations: Operations = {
    listWebhooks: () => ({ webhooks: [...store.webhooks.values()].map((stored) => stored.webhook) }),
    createOrUpdateWebhook: ({ body }) => putWebhook(body as WebhookRequest),
    getWebhook: ({ params }) => webhookOf(params.name!).webhook,
    deleteWebhook: ({ params }) => void store.deleteWebhook(webhookOf(params.name!)),
    unsuspendWebhook: ({ params }) => {
      const stored = webhookOf(params.name!);
      stored.webhook.suspended = false;
      delete stored.webhook.suspendedTimestamp;
      if (stored.queued.length > 0) deliveries.release(stored);
      return stored.webhook;
    },
    listDivertedEvents: ({ params, query, entry }) => {
      const stored = webhookOf(params.name!);
      const issues: ContractIssue[] = [];
      const [limit, offset] = ["limit", "offset"].map((name) => {
        const parameter = entry.queryParameters.find((p) => p.name === name);
        return parameter && readInteger(parameter, query, issues);
      });
      if (issues.length > 0) throw new BadRequest(400, issues, "Invalid request");
      const start = offset ?? 0;
      const events = [...stored.diverted.values()].slice(start, start + (limit ?? assumptions.divertedPageSize));
      return { webhookName: stored.webhook.name, events };
    },
    deleteDivertedEvent: ({ params }) => {
      const stored = webhookOf(params.name!);
      for (const event of transaction(stored, params.transactionId!)) store.undivert(stored, event.eventId);
      return undefined;
    },
    resendDivertedEvent: async ({ params }) => {
      const stored = webhookOf(params.name!);
      await deliveries.resend(stored, transaction(stored, params.transactionId!));
      return undefined;
    },
  };
  for (const entry of OPERATIONS) if (!Object.hasOwn(operations, entry.operationId)) throw new Error(`simulator: no handler for operation ${entry.operationId}`);
  return operations;
}
