// The package's root entry: generated types, the typed client and the payload validators.
export type * from "../generated/schema.js";
export type { DivertedEvent, DivertedEventsPage, FailureAlert, SuspensionAlert, Webhook, WebhookDelivery, WebhookList } from "./types.js";
export { WEBHOOK_EVENT_TYPES } from "../generated/event-types.js";
export {
  contractDeviations,
  contractViolations,
  createWebhooksClient,
  isKnownEventType,
  retryAfterMs,
  type ContractDeviation,
  type ContractViolation,
  type RetryOptions,
  type UnknownEventType,
  type WebhooksCallResult,
  type WebhooksClient,
  type WebhooksClientOptions,
} from "./client.js";
export { WEBHOOK_EXAMPLES } from "../generated/examples.js";
export * from "./receiver/index.js";
export { sampleDelivery, selectEventTypes, sendSampleEvents, type AlertKind, type SendReport, type SendSampleEventsOptions, type SentDelivery } from "./sender.js";
export { iterateDivertedEvents, type IterateDivertedEventsOptions } from "./pagination.js";
export {
  DEFAULT_MAX_BYTES,
  decodeBody,
  parse,
  parseFailureMessage,
  parseWebhookPayload,
  parseWebhookSuspendedData,
  schemas,
  validate,
  type ParseOptions,
  type SchemaName,
  type StandardSchemaV1,
} from "./validation.js";
export {
  ContractValidationError,
  WebhookClaimLostError,
  WebhooksApiError,
  WebhooksContractError,
  WebhooksNetworkError,
  WebhooksOptionError,
  WebhooksPaginationError,
  WebhooksRedirectError,
  WebhooksRequestError,
  WebhooksResponseError,
  WebhooksResponseTooLargeError,
  WebhooksTimeoutError,
  type ContractIssue,
} from "./errors.js";
export { toWebhookRequest } from "./webhook-request.js";
