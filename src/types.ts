// Names for what users hold. Each is an interface over the generated schema type, so an editor's
// hover shows `Webhook`, not the object spelled out with its 100 event types; the generated
// names (WebhookResponse, WebhookPayload...) stay, and each pair is assignable both ways.
import type {
  EventStreamWebhookSuspendedData,
  FailureMessage,
  WebhookDivertedEventResponse,
  WebhookDivertedEventsResponse,
  WebhookPayload,
  WebhookResponse,
  WebhooksResponse,
} from "../generated/schema.js";

/** A webhook as the API returns it (`GET /webhooks/{name}`), with the fields the platform sets, such as `suspended`. */
export interface Webhook extends WebhookResponse {}

/** The body of `GET /webhooks`: every webhook of the tenant. */
export interface WebhookList extends WebhooksResponse {
  webhooks: Webhook[];
}

/** An event the platform diverted instead of delivering (failure handling `mode: "divert"`), for replay. */
export interface DivertedEvent extends WebhookDivertedEventResponse {}

/** One page of `GET /webhooks/{name}/diverted` (`limit`, `offset`). */
export interface DivertedEventsPage extends WebhookDivertedEventsResponse {
  events: DivertedEvent[];
}

/** One delivery: the envelope the platform POSTs to a webhook's integration for each event. */
export interface WebhookDelivery extends WebhookPayload {}

/** What the platform POSTs to the alert integration when a delivery fails. */
export interface FailureAlert extends FailureMessage {}

/** What the platform POSTs to the alert integration when it suspends a webhook (failure handling `mode: "suspend"`). */
export interface SuspensionAlert extends EventStreamWebhookSuspendedData {}
