// The package's root entry: generated types, the typed client and the payload validators.
export type * from "../generated/schema.js";
export { WEBHOOK_EVENT_TYPES } from "../generated/event-types.js";
export { createWebhooksClient, retryAfterMs, type RetryOptions, type WebhooksClient, type WebhooksClientOptions } from "./client.js";
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
export { sampleDelivery, sendSampleEvents, type SendReport, type SendSampleEventsOptions, type SentDelivery } from "./sender.js";
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
  WebhooksResponseError,
  WebhooksTimeoutError,
  type ContractIssue,
} from "./errors.js";
export { toWebhookRequest } from "./webhook-request.js";
