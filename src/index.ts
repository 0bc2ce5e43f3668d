// The package's root entry: generated types, the typed client and the payload validators.
export type * from "../generated/schema.js";
export { WEBHOOK_EVENT_TYPES } from "../generated/event-types.js";
export {
  contractViolations,
  createWebhooksClient,
  retryAfterMs,
  type ContractViolation,
  type RetryOptions,
  type WebhooksCallResult,
  type WebhooksClient,
  type WebhooksClientOptions,
} from "./client.js";
export { WEBHOOK_EXAMPLES } from "../generated/examples.js";
export {
  createWebhookReceiver,
  type IncomingDelivery,
  type ReceiverAnswer,
  type ReceiverOptions,
  type WebhookPattern,
  type WebhookReceiver,
} from "./receiver.js";
export { createNodeHandler, type NodeRequestLike, type NodeResponseLike } from "./node-handler.js";
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
  type ParseOptions,
  type SchemaName,
  type StandardSchemaV1,
} from "./validation.js";
export {
  ContractValidationError,
  WebhooksApiError,
  WebhooksContractError,
  WebhooksNetworkError,
  WebhooksPaginationError,
  WebhooksRedirectError,
  WebhooksRequestError,
  WebhooksResponseError,
  WebhooksResponseTooLargeError,
  WebhooksTimeoutError,
  type ContractIssue,
} from "./errors.js";
