// The simulator's public types and default limits: what createSimulator takes and what it answers.
import type { WebhookDivertedEventResponse, WebhookEventType, WebhookPayload, WebhookResponse } from "../../generated/schema.js";
import type { ContractIssue, SimulatorViolation } from "../errors.js";
import { DEFAULT_MAX_BYTES } from "../validation.js";
import type { AssumptionOverrides, Assumptions } from "./assumptions.js";
import type { AlertName } from "../rules/alerts.js";

/** How one (event, webhook) pair ended. `queued` only under the `suspendedWebhook: queue` assumption, until unsuspend. */
export type Outcome = "delivered" | "diverted" | "dropped" | "skipped" | "queued";

/** An External Service Integration as the simulator knows it: where deliveries and alerts go. */
export interface Integration {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** One HTTP attempt the simulator made: a delivery or an alert. */
export interface DeliveryAttempt {
  /** Increasing number of the attempt, from 1. */
  seq: number;
  /** When the attempt started, epoch milliseconds. */
  time: number;
  kind: "event" | AlertName;
  /** How the event got here: raised, resent, or released from the queue by unsuspend. */
  via: "emit" | "resend" | "unsuspend";
  webhookName: string;
  integrationName: string;
  url: string;
  eventId: string;
  transactionId: string;
  eventType: string;
  /** 1 for the first attempt of a delivery, 2 for its first retry... */
  attempt: number;
  /** The receiver's status, or null without an HTTP answer. */
  status: number | null;
  /** Why there was no HTTP answer. */
  error: "timeout" | "no-answer" | "no-integration" | "contract-violation" | null;
  ms: number;
  /** On the last attempt of a delivery: how it ended. Alerts end `delivered` or `dropped`. */
  outcome?: Outcome;
}

/** The journal of attempts read without copying it (`simulator.journal`). */
export interface DeliveryJournal {
  /** Attempts kept, at most `maxJournal`. */
  readonly size: number;
  /**
   * The newest attempt's `seq`, 0 when the journal is empty. `seq` only grows (reset() empties the
   * journal but does not count again), so the same value means the same journal.
   */
  readonly newestSeq: number;
  /** Attempts let go to stay within `maxJournal`. */
  readonly dropped: number;
  /**
   * Visits the kept attempts newest first, in place (each attempt is frozen; nothing is copied or
   * allocated per attempt), until `visit` answers false: the cost is what the caller reads. An
   * attempt made during the visit is not visited; the visit ends at attempts let go meanwhile, and
   * at reset().
   */
  visitNewestFirst(visit: (attempt: DeliveryAttempt) => boolean | void): void;
}

/** One raised event and how it ended at each webhook that listens for its type. */
export interface EmitResult {
  event: WebhookPayload;
  outcomes: { webhookName: string; outcome: Outcome }[];
}

/** A raised event as `events()` keeps it: the envelope without its data (so that memory stays bounded), and its outcomes. */
export interface LoggedEvent {
  event: Omit<WebhookPayload, "data">;
  outcomes: EmitResult["outcomes"];
}

export interface EmitInput {
  /** The event's data (an object, nested at most MAX_JSON_DEPTH levels). Default `{}`. */
  data?: Record<string, unknown>;
  /** Default: a fresh UUID. */
  transactionId?: string;
  /** Default `"simulator"`. */
  username?: string;
  /** The event id. Default: a fresh UUID. */
  id?: string;
}

export type { SimulatorViolation };
/**
 * @deprecated Renamed SimulatorViolation: the root entry's `ContractViolation` (a violation Prism
 * reports about the API's answer) is another thing. This alias goes in the next major release.
 */
export type ContractViolation = SimulatorViolation;

export interface SimulatorLimits {
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes: number;
  /** Default 1,000. */
  maxWebhooks: number;
  /** Default 1,000. */
  maxIntegrations: number;
  /** Diverted events kept, over all webhooks; beyond it a failed event ends `dropped`. Default 100,000. */
  maxDivertedEvents: number;
  /** Events queued for suspended webhooks, over all webhooks; beyond it an event ends `skipped`. Default 100,000. */
  maxQueuedEvents: number;
  /** UTF-8 bytes of the JSON of all diverted and queued events together, as snapshot() shows them; beyond it, as for the counts. Default 64 MiB. */
  maxRetainedBytes: number;
  /** Attempts kept in the journal (the newest). Default 100,000. */
  maxJournal: number;
  /** Raised events kept with their outcomes (the newest). Default 10,000. */
  maxEvents: number;
  /** Bytes of a receiver's answer read before the rest is dropped. Default 64 KiB. */
  maxResponseBytes: number;
  /** HTTP attempts in flight at once; more wait their turn. Default 256. */
  maxConcurrentAttempts: number;
}

export const DEFAULT_LIMITS: Readonly<SimulatorLimits> = Object.freeze({
  maxBodyBytes: DEFAULT_MAX_BYTES,
  maxWebhooks: 1_000,
  maxIntegrations: 1_000,
  maxDivertedEvents: 100_000,
  maxQueuedEvents: 100_000,
  maxRetainedBytes: 64 * 1024 * 1024,
  maxJournal: 100_000,
  maxEvents: 10_000,
  maxResponseBytes: 64 * 1024,
  maxConcurrentAttempts: 256,
});

/** The fetch deliveries and alerts go through. */
export type SimulatorFetch = (url: string, init: RequestInit & { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<Response>;

export interface SimulatorOptions {
  /** Integrations by name: a URL, or `{ url, headers }`. */
  integrations?: Record<string, string | { url: string; headers?: Record<string, string> }>;
  /** Tokens accepted in `Authorization`. Default: any non-empty value (like the Prism mock). */
  tokens?: readonly string[];
  /** Overrides of the undocumented behaviours (see ASSUMPTIONS). */
  assume?: AssumptionOverrides;
  limits?: Partial<SimulatorLimits>;
  /**
   * The fetch deliveries and alerts go through, called as `fetch(url, init)` like the global one.
   * Default: the global fetch at the time of the call (so MSW sees them). For an in-process
   * receiver: `(url, init) => receiver.handle(new Request(url, init))`.
   */
  fetch?: SimulatorFetch;
  /**
   * What to do when the simulator produces a body that breaks the contract (a bug): `"throw"` (the
   * default: `handle` and `emit` reject, so a test fails loudly), or a function to tell (the
   * simulator then answers 500 or skips the delivery). Either way it is kept in `violations()`.
   */
  onContractViolation?: "throw" | ((violation: SimulatorViolation) => void);
}

/** What `snapshot()` returns and `restore()` takes: integrations, webhooks, their diverted and queued events. */
export interface SimulatorState {
  version: 1;
  integrations: Integration[];
  webhooks: { webhook: WebhookResponse; diverted: WebhookDivertedEventResponse[]; queued: WebhookPayload[] }[];
}

/** What `restore()` accepted but reports: values the contract does not list yet (an event type added since), kept as they are. */
export interface RestoreReport {
  deviations: ContractIssue[];
}

/** A request in a server-neutral form. */
export interface SimulatorRequest {
  method: string;
  /** Path and query, e.g. `/webhooks/a/diverted?limit=10`. */
  url: string;
  header(name: string): string | null;
  body: Uint8Array | null;
}

export interface SimulatorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Simulator {
  /** Serves a request in the Fetch API form: the platform's operations and `/_simulator/`. */
  handle(request: Request): Promise<Response>;
  /** The same from any server; what `handle` and `startSimulator` call. */
  respond(request: SimulatorRequest): Promise<SimulatorAnswer>;
  /** Raises one event; resolves once every delivery of it has ended. */
  emit(type: WebhookEventType, input?: EmitInput): Promise<EmitResult>;
  /** Registers (or replaces) an integration. */
  setIntegration(name: string, integration: { url: string; headers?: Record<string, string> }): Integration;
  /** Every attempt, oldest first (the newest `maxJournal`): a copy of the journal. */
  deliveries(): DeliveryAttempt[];
  /** The journal read in place, for a caller that polls it: O(1) to learn whether it changed, no copy to read a page of it. */
  readonly journal: DeliveryJournal;
  /** Diverted events held per webhook, by webhook name: O(webhooks), the events themselves not read. */
  divertedCounts(): Map<string, number>;
  /** Raised events (without their data) with their outcomes, oldest first (the newest `maxEvents`). */
  events(): LoggedEvent[];
  /** Contract violations caught in what the simulator produced. Empty unless the simulator has a bug. */
  violations(): SimulatorViolation[];
  /** Resolves once no delivery is in flight (raised, resent, or released from a queue by unsuspend). */
  settled(): Promise<void>;
  snapshot(): SimulatorState;
  /**
   * Replaces the state with `state`, after checking it; an event type the contract does not list
   * is kept and reported in `deviations`. @throws ContractValidationError naming every bad field.
   */
  restore(state: SimulatorState): RestoreReport;
  /** Forgets webhooks, diverted and queued events, the journal and the events, keeping the integrations given in the options. */
  reset(): void;
  readonly assumptions: Assumptions;
  readonly limits: Readonly<SimulatorLimits>;
}
