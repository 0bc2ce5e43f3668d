// Running the handlers of a classified body: which handlers match, every one run and every failure
// reported to onError, asynchronous work bounded by handlerTimeoutMs on one shared timer, and each
// event once per envelope id when a dedupe store is given.
import type { WebhookPayload } from "../../generated/schema.js";
import { WebhookHandlerTimeoutError } from "../errors.js";
import { ALERT_KINDS, EVENT_DELIVERY } from "../rules/alerts.js";
import { ACCEPTED, HANDLER_FAILED, HANDLER_TIMEOUT, isThenable, type ReceiverAnswer } from "./answers.js";
import { bodyDeadlines } from "./body.js";
import type { Classified, ReceivedBody } from "./classify.js";
import { leasedDedupe, type Deadline } from "./dedupe.js";
import type { ResolvedReceiverOptions } from "./options.js";
import { isKnownEventType } from "./patterns.js";

export type Handler<T> = (body: T) => unknown;

// The longest envelope id the dedupe store is asked to remember: ids are short, a hostile sender's need not be.
const MAX_DEDUPE_KEY = 256;
const NO_HANDLERS: readonly Handler<never>[] = [];

const ignore = () => undefined;

export interface Dispatcher {
  /** Adds a handler for the event types `matches` accepts. */
  addRoute(matches: (type: string) => boolean, handler: Handler<WebhookPayload>): void;
  /** Adds a handler for one of the alerts (a name of ALERT_KINDS). */
  addAlertHandler(kind: string, handler: Handler<never>): void;
  /** Runs the handlers `classified` has, within the bounds; synchronous whenever they are. */
  dispatch(classified: Classified): ReceiverAnswer | Promise<ReceiverAnswer>;
  /** Tells onError, contained: a failing reporter changes no answer. */
  report(error: unknown, body?: ReceivedBody): void;
}

export function createDispatcher({ handlerTimeoutMs, onDeviation, onError, dedupe, dedupeLeaseMs, dedupeTtlMs }: ResolvedReceiverOptions): Dispatcher {
  const leased = dedupe === undefined ? undefined : leasedDedupe(dedupe, { leaseMs: dedupeLeaseMs, ttlMs: dedupeTtlMs });
  const routes: { matches: (type: string) => boolean; handler: Handler<WebhookPayload> }[] = [];
  const alertHandlers = new Map<string, Handler<never>[]>(Object.values(ALERT_KINDS).map((name) => [name, []]));
  // Handlers per known event type, computed once; unknown types (which a sender controls) are not cached.
  let byType = new Map<string, readonly Handler<never>[]>();

  function handlersFor(type: string): readonly Handler<never>[] {
    const cached = byType.get(type);
    if (cached !== undefined) return cached;
    const list = routes.filter((route) => route.matches(type)).map((route) => route.handler);
    if (isKnownEventType(type)) byType.set(type, list);
    return list;
  }

  // Contained: a failing reporter (one that throws or whose promise rejects) must not change the
  // answer or crash the server with an unhandled rejection.
  function report(error: unknown, body?: ReceivedBody): void {
    try {
      const result = onError(error, body);
      if (isThenable(result)) result.then(undefined, ignore);
    } catch {
      // Nothing left to tell: onError is where failures go.
    }
  }

  function failed(error: unknown, body: ReceivedBody): ReceiverAnswer {
    report(error, body);
    return HANDLER_FAILED;
  }

  /** Runs every handler; the answer waits for all of them, and every failure is reported. */
  function run(handlers: readonly Handler<never>[], body: ReceivedBody): ReceiverAnswer | Promise<ReceiverAnswer> {
    if (handlers.length === 1) {
      let result: unknown;
      try {
        result = (handlers[0] as Handler<ReceivedBody>)(body);
        if (!isThenable(result)) return ACCEPTED;
      } catch (error) {
        return failed(error, body);
      }
      return Promise.resolve(result).then(() => ACCEPTED, (error) => failed(error, body));
    }
    let failures = 0;
    const pending: PromiseLike<unknown>[] = [];
    for (const handler of handlers) {
      try {
        const result = (handler as Handler<ReceivedBody>)(body);
        // Promise.resolve: a thenable whose then() throws becomes a rejection we handle, not an unhandled one.
        if (isThenable(result)) pending.push(Promise.resolve(result));
      } catch (error) {
        failures += 1;
        report(error, body);
      }
    }
    const finish = () => {
      return failures === 0 ? ACCEPTED : HANDLER_FAILED;
    };
    if (pending.length === 0) return finish();
    // Each rejection is reported when it happens, also after a timeout has answered already.
    return new Promise((resolve) => {
      let left = pending.length;
      const settle = () => {
        left -= 1;
        if (left === 0) resolve(finish());
      };
      for (const promise of pending) {
        promise.then(settle, (error: unknown) => {
          failures += 1;
          report(error, body);
          settle();
        });
      }
    });
  }

  // Handler deadlines of every delivery in flight, on one timer (as the body deadlines): no timer per delivery.
  const handlerDeadlines = bodyDeadlines(handlerTimeoutMs);

  /** Bounds asynchronous work by handlerTimeoutMs; `state.timedOut` tells late work to stand down. */
  function bound(outcome: Promise<ReceiverAnswer>, body: ReceivedBody, state: Deadline = { timedOut: false }): Promise<ReceiverAnswer> {
    return new Promise((resolve) => {
      const entry = handlerDeadlines.addCallback(() => {
        state.timedOut = true;
        state.onTimeout?.();
        resolve(HANDLER_TIMEOUT);
        report(new WebhookHandlerTimeoutError(handlerTimeoutMs), body);
      });
      outcome.then((answer) => {
        handlerDeadlines.delete(entry);
        resolve(answer);
      });
    });
  }

  function dispatch({ name, body, deviations }: Classified): ReceiverAnswer | Promise<ReceiverAnswer> {
    if (onDeviation !== undefined) {
      for (const deviation of deviations) {
        try {
          const result = onDeviation(deviation);
          if (isThenable(result)) result.then(undefined, (error) => report(error, body));
        } catch (error) {
          report(error, body);
        }
      }
    }
    const delivery = name === EVENT_DELIVERY ? (body as WebhookPayload) : undefined;
    const handlers = delivery ? handlersFor(delivery.type) : (alertHandlers.get(name) ?? NO_HANDLERS);
    const key = leased !== undefined && delivery !== undefined && delivery.id.length <= MAX_DEDUPE_KEY ? delivery.id : undefined;
    if (key === undefined || leased === undefined) {
      const outcome = run(handlers, body);
      return isThenable(outcome) ? bound(outcome, body) : outcome;
    }
    const deadline = { timedOut: false };
    return bound(leased.handle(key, () => run(handlers, body), deadline, (error) => report(error, body)), body, deadline);
  }

  return {
    addRoute(matches, handler) {
      routes.push({ matches, handler });
      byType = new Map();
    },
    addAlertHandler(kind, handler) {
      alertHandlers.get(kind)!.push(handler);
    },
    dispatch,
    report,
  };
}
