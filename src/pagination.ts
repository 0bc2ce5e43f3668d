import type { WebhookDivertedEventResponse } from "../generated/schema.js";
import type { WebhooksClient } from "./client.js";
import { WebhooksApiError } from "./errors.js";

export interface IterateDivertedEventsOptions {
  /** Events asked for per request (`limit`). Default 100. */
  pageSize?: number;
}

/**
 * Every diverted event of a webhook, fetched page by page with `limit`/`offset` until the
 * platform answers a page shorter than `pageSize`.
 *
 * @example
 * for await (const event of iterateDivertedEvents(client, "policy-events")) console.log(event.transactionId);
 * @throws WebhooksApiError when a page request answers an error status.
 */
export async function* iterateDivertedEvents(
  client: WebhooksClient,
  name: string,
  options: IterateDivertedEventsOptions = {},
): AsyncGenerator<WebhookDivertedEventResponse, void, undefined> {
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new TypeError("iterateDivertedEvents: `pageSize` must be a positive integer");
  for (let offset = 0; ; offset += pageSize) {
    const { data, error, response } = await client.GET("/webhooks/{name}/diverted", {
      params: { path: { name }, query: { limit: pageSize, offset } },
    });
    if (data === undefined) {
      throw new WebhooksApiError(response.status, error, `listing diverted events of "${name}" failed with status ${response.status}`);
    }
    yield* data.events;
    if (data.events.length < pageSize) return;
  }
}
