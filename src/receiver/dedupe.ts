// Handling each event once, also across several receiver instances. The store records the state of
// an event's handling, as the idempotency utilities of the serverless toolkits do: an in-progress
// claim with a lease of its own, then a completed record kept for `ttlMs`. A claim is owned: only
// the token its claim returned can complete or release it, so a late failure, a timeout or a slow
// store can never erase or complete another delivery's claim. A delivery whose event is in
// progress elsewhere waits for that outcome: 200 once completed, its own run when the original
// failed or its lease ran out, 503 when neither happens within the receiver's deadline.
import { WebhookClaimLostError, WebhooksOptionError } from "../errors.js";
import { ACCEPTED, HANDLER_TIMEOUT, isThenable, RECEIVER_FAILED, STORE_UNAVAILABLE, type ReceiverAnswer } from "./answers.js";

/** What `claim` tells the receiver about an event id. */
export type ClaimOutcome =
  /** This delivery owns the event until `leaseMs` runs out: run the handlers, then complete or release with `token`. */
  | { readonly state: "claimed"; readonly token: string }
  /** Another delivery owns it; its lease runs out in `expiresInMs` (when the store knows). */
  | { readonly state: "in-progress"; readonly expiresInMs?: number }
  /** Its handlers completed within the last `ttlMs`: answer 200, run nothing. */
  | { readonly state: "completed" };

export interface ClaimOptions {
  /** How long an in-progress claim holds when nobody completes or releases it (a process that died). */
  readonly leaseMs: number;
  /** How long a completed record is kept. */
  readonly ttlMs: number;
}

/**
 * Where the receiver records the state of each event's handling; share one (memory, Redis,
 * PostgreSQL: see `socotra-webhooks-contract/redis` and `/postgres`) between instances. Each
 * transition must be atomic. `complete` and `release` take the token of the claim they end: with
 * any other token (a claim that expired and passed to another delivery) they change nothing.
 */
export interface DedupeStore {
  /** Claims `id` unless a live claim or a completed record holds it (an expired claim is taken over). */
  claim(id: string, options: ClaimOptions): ClaimOutcome | Promise<ClaimOutcome>;
  /**
   * Marks `id` completed for `ttlMs` if `token` still owns it, or if its claim expired unowned;
   * false when another delivery holds it now (the handlers may have run twice).
   */
  complete(id: string, token: string, options: { readonly ttlMs: number }): boolean | Promise<boolean>;
  /** Forgets the claim `token` owns, after its handlers failed, so that a later delivery runs them. */
  release(id: string, token: string): unknown;
}

/** @internal Throws a WebhooksOptionError unless `store` has the three methods of a DedupeStore. */
export function checkDedupeStore(store: unknown, caller: string): asserts store is DedupeStore {
  const methods = ["claim", "complete", "release"] as const;
  if (typeof store !== "object" || store === null || methods.some((name) => typeof (store as Record<string, unknown>)[name] !== "function")) {
    throw new WebhooksOptionError(
      caller,
      "dedupe",
      "type",
      "`dedupe` must be a store with claim(id, { leaseMs, ttlMs }), complete(id, token, { ttlMs }) and release(id, token), such as memoryDedupeStore() (a store with claim(key, ttlMs) and release(key) alone cannot tell whose claim it releases)",
    );
  }
}

const FIRST_PAUSE_MS = 10;
const LONGEST_PAUSE_MS = 250;

function checkOutcome(outcome: unknown): ClaimOutcome {
  if (typeof outcome === "object" && outcome !== null) {
    const { state, token } = outcome as { state?: unknown; token?: unknown };
    if (state === "completed" || state === "in-progress") return outcome as ClaimOutcome;
    if (state === "claimed" && typeof token === "string" && token.length > 0) return outcome as ClaimOutcome;
  }
  throw new WebhooksOptionError(
    "createWebhookReceiver",
    "dedupe",
    "type",
    'the dedupe store\'s claim(id, { leaseMs, ttlMs }) returned neither { state: "claimed", token }, { state: "in-progress" } nor { state: "completed" } (nor a promise of one); the delivery was answered 500',
  );
}

/** Tells work that outlived its delivery's deadline to stand down. */
export interface Deadline {
  timedOut: boolean;
  /** Called once when the deadline passes (set by the dedupe, called by the receiver's timer). */
  onTimeout?: () => void;
}

export interface LeasedDedupe {
  /**
   * The answer for a delivery of event `id`: runs `run` (which reports its own failures and never
   * throws) only under a claim this delivery owns, and records the outcome with its token.
   */
  handle(id: string, run: () => ReceiverAnswer | Promise<ReceiverAnswer>, deadline: Deadline, report: (error: unknown) => void): Promise<ReceiverAnswer>;
}

/** @internal The receiver's side of a DedupeStore. */
export function leasedDedupe(store: DedupeStore, { leaseMs, ttlMs }: ClaimOptions): LeasedDedupe {
  const claimOptions = Object.freeze({ leaseMs, ttlMs });
  const completeOptions = Object.freeze({ ttlMs });
  // The handlings running in this instance, by id, until their outcome is recorded: a repeat
  // waiting here asks the store again as soon as one ends, instead of at its next pause.
  const running = new Map<string, Promise<unknown>>();

  async function settle(id: string, token: string, answer: ReceiverAnswer, report: (error: unknown) => void): Promise<void> {
    try {
      if (answer !== ACCEPTED) {
        await store.release(id, token);
      } else if ((await store.complete(id, token, completeOptions)) === false) {
        report(new WebhookClaimLostError(leaseMs));
      }
    } catch (error) {
      // The handlers' answer stands: the claim runs out with its lease.
      report(error);
    }
  }

  function owned(id: string, token: string, run: () => ReceiverAnswer | Promise<ReceiverAnswer>, deadline: Deadline, report: (error: unknown) => void): Promise<ReceiverAnswer> {
    // The claim came back after the delivery was answered 503: give it up for the platform's retry.
    if (deadline.timedOut) return settle(id, token, HANDLER_TIMEOUT, report).then(() => HANDLER_TIMEOUT);
    const answer = run();
    const outcome = isThenable(answer)
      ? Promise.resolve(answer).then((settled) => settle(id, token, settled, report).then(() => settled))
      : settle(id, token, answer, report).then(() => answer);
    running.set(id, outcome);
    void outcome.then(() => {
      if (running.get(id) === outcome) running.delete(id);
    });
    return outcome;
  }

  /** Resolves after `ms`, or sooner when the handling of `id` in this instance ends. */
  function pause(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      running.get(id)?.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Asks the store until this delivery owns the event, sees it completed, or its deadline passes. */
  async function attempt(id: string, run: () => ReceiverAnswer | Promise<ReceiverAnswer>, deadline: Deadline, report: (error: unknown) => void): Promise<ReceiverAnswer> {
    for (let pauseMs = FIRST_PAUSE_MS; ; pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS)) {
      let answer: unknown;
      try {
        answer = await store.claim(id, claimOptions);
      } catch (error) {
        // Down, restarting, unreachable: whether the event was handled is unknown, so the platform retries.
        report(error);
        return STORE_UNAVAILABLE;
      }
      const outcome = checkOutcome(answer);
      if (outcome.state === "completed") return ACCEPTED;
      if (outcome.state === "claimed") return await owned(id, outcome.token, run, deadline, report);
      // In progress elsewhere: ask again until it completes, fails or its lease runs out; the
      // receiver's deadline answers 503 meanwhile, and then this loop stops.
      if (deadline.timedOut) return HANDLER_TIMEOUT;
      const expiresInMs = outcome.expiresInMs;
      await pause(id, typeof expiresInMs === "number" && expiresInMs >= 0 ? Math.min(pauseMs, expiresInMs + 1) : pauseMs);
      if (deadline.timedOut) return HANDLER_TIMEOUT;
    }
  }

  // The delivery of each id that talks to the store in this instance now; a duplicate arriving
  // meanwhile waits for its turn to end (its outcome, or its deadline) instead of asking the store
  // too: a thousand duplicates at once cost the store one poll, not a thousand.
  const turns = new Map<string, Turn>();

  function take(id: string, run: () => ReceiverAnswer | Promise<ReceiverAnswer>, deadline: Deadline, report: (error: unknown) => void): Promise<ReceiverAnswer> {
    const work = attempt(id, run, deadline, report).catch((error: unknown) => {
      report(error);
      return RECEIVER_FAILED;
    });
    const turn: Turn = { work, ended: undefined, expire: undefined };
    turns.set(id, turn);
    const end = () => {
      if (turns.get(id) === turn) turns.delete(id);
    };
    // A turn ends at its deadline at the latest (a store call that hangs must not hold the id).
    deadline.onTimeout = () => {
      end();
      turn.expire?.();
    };
    void work.then(end);
    return work;
  }

  async function wait(turn: Turn, id: string, run: () => ReceiverAnswer | Promise<ReceiverAnswer>, deadline: Deadline, report: (error: unknown) => void): Promise<ReceiverAnswer> {
    turn.ended ??= new Promise((resolve) => {
      turn.expire = () => resolve(HANDLER_TIMEOUT);
      void turn.work.then(resolve);
    });
    // Completed in this instance (or seen completed): nothing to ask the store.
    if ((await turn.ended) === ACCEPTED) return ACCEPTED;
    if (deadline.timedOut) return HANDLER_TIMEOUT;
    return handle(id, run, deadline, report);
  }

  function handle(id: string, run: () => ReceiverAnswer | Promise<ReceiverAnswer>, deadline: Deadline, report: (error: unknown) => void): Promise<ReceiverAnswer> {
    const turn = turns.get(id);
    return turn === undefined ? take(id, run, deadline, report) : wait(turn, id, run, deadline, report);
  }

  return { handle };
}

interface Turn {
  readonly work: Promise<ReceiverAnswer>;
  /** The work's answer, or HANDLER_TIMEOUT at the deadline of the delivery whose turn it is; made for the first waiter. */
  ended: Promise<ReceiverAnswer> | undefined;
  expire: (() => void) | undefined;
}
