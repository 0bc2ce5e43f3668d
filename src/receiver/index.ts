// The receiver: one core and an adapter per runtime (Fetch, node:http/Express, AWS Lambda).
export type { ReceiverAnswer } from "./answers.js";
export {
  createWebhookReceiver,
  WebhookHandlerTimeoutError,
  type IncomingDelivery,
  type ReceivedBody,
  type ReceivedFailureMessage,
  type ReceivedSuspensionAlert,
  type ReceiverOptions,
  type WebhookReceiver,
} from "./core.js";
export type { ClaimOptions, ClaimOutcome, DedupeStore } from "./dedupe.js";
export { memoryDedupeStore, type MemoryDedupeStore, type MemoryDedupeStoreOptions } from "./stores/memory.js";
export type { Deviation } from "./deviations.js";
export { createLambdaHandler, type LambdaHttpEvent, type LambdaHttpResult } from "./lambda.js";
export { createNodeHandler, type NodeRequestLike, type NodeResponseLike } from "./node.js";
export type { WebhookPattern } from "./patterns.js";
