import type { WebhookDivertedEventResponse } from "../generated/schema.js";
import type { WebhooksClient } from "./client.js";
import { queryParameterRule } from "./client/operations.js";
import { ContractValidationError, WebhooksApiError, WebhooksOptionError, WebhooksPaginationError } from "./errors.js";
import { parse } from "./validation.js";
import type { ContractDeviation } from "./client/deviations.js";

export interface IterateDivertedEventsOptions {
  /** Events asked for per request (`limit`), within the spec's bounds for `limit`. Default 100. */
  pageSize?: number;
  /** Stop with a WebhooksPaginationError rather than ask for more pages than this. Default 1,000. */
  maxPages?: number;
  /** Cancels the page request in flight and ends the iteration. */
  signal?: AbortSignal;
  /**
   * Called for each value the page carries that the contract does not list yet (an event type the
   * platform added): the event is still yielded, never refused. `path` is relative to the page.
   */
  onDeviation?: (deviation: ContractDeviation, offset: number) => void;
}

const limitRule = queryParameterRule("listDivertedEvents", "limit");
const MIN_PAGE = limitRule?.minimum ?? 1;
const MAX_PAGE = limitRule?.maximum ?? Number.MAX_SAFE_INTEGER;

// The page's events as a set: a server that ignores `offset` need not keep their order (a query without ORDER BY).
const identity = (events: readonly WebhookDivertedEventResponse[]) => JSON.stringify(events.map((event) => JSON.stringify([event.eventId, event.transactionId])).sort());

/**
 * Every diverted event of a webhook, fetched page by page with `limit`/`offset` until the
 * platform answers a page shorter than `pageSize`. Each page is validated against the contract;
 * an event type the contract does not list yet is read, and reported to `onDeviation`.
 *
 * Acting on events while iterating (resend, delete) may shift later pages, if the platform removes
 * them from the list (undocumented): collect the ids first, then act.
 *
 * @example
 * for await (const event of iterateDivertedEvents(client, "policy-events")) console.log(event.transactionId);
 * @throws WebhooksApiError when a page request answers an error status.
 * @throws WebhooksPaginationError when a page repeats the previous one (a server ignoring `offset`),
 *   holds more events than asked, breaks the contract, or `maxPages` is reached.
 */
export async function* iterateDivertedEvents(
  client: WebhooksClient,
  name: string,
  options: IterateDivertedEventsOptions = {},
): AsyncGenerator<WebhookDivertedEventResponse, void, undefined> {
  const { pageSize = 100, maxPages = 1000, signal, onDeviation } = options;
  if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE || pageSize > MAX_PAGE) {
    throw new WebhooksOptionError("iterateDivertedEvents", "pageSize", "range", `\`pageSize\` must be an integer from ${MIN_PAGE} to ${MAX_PAGE} (the spec's bounds for \`limit\`)`);
  }
  if (!Number.isSafeInteger(maxPages) || maxPages < 1) throw new WebhooksOptionError("iterateDivertedEvents", "maxPages", "minimum", "`maxPages` must be a positive integer");
  let previous: string | undefined;
  for (let page = 0, offset = 0; ; page += 1, offset += pageSize) {
    if (page >= maxPages) {
      throw new WebhooksPaginationError("max-pages", offset, `listing diverted events stopped after maxPages (${maxPages}) full pages; raise \`maxPages\` to read further`);
    }
    const { data, error, response, deviations } = await client.GET("/webhooks/{name}/diverted", {
      params: { path: { name }, query: { limit: pageSize, offset } },
      ...(signal && { signal }),
    });
    if (data === undefined) {
      throw new WebhooksApiError(response.status, error, `listing diverted events failed with status ${response.status} (offset ${offset})`);
    }
    let events: readonly WebhookDivertedEventResponse[];
    try {
      events = parse("WebhookDivertedEventsResponse", data).events;
    } catch (invalid) {
      if (!(invalid instanceof ContractValidationError)) throw invalid;
      throw new WebhooksPaginationError("invalid-page", offset, `the page at offset ${offset} breaks the contract: ${invalid.message}`, { cause: invalid });
    }
    if (events.length > pageSize) {
      throw new WebhooksPaginationError("page-too-long", offset, `the page at offset ${offset} holds ${events.length} events, more than the ${pageSize} asked for`);
    }
    const current = identity(events);
    if (events.length > 0 && current === previous) {
      throw new WebhooksPaginationError("repeated-page", offset, `the page at offset ${offset} repeats the previous page: the server seems to ignore \`offset\``);
    }
    previous = current;
    if (onDeviation !== undefined) for (const deviation of deviations) onDeviation(deviation, offset);
    yield* events;
    if (events.length < pageSize) return;
  }
}
