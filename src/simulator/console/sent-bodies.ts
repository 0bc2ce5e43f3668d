// The exact bodies the simulator sent, by event id, so that the console can show what a delivery
// carried: the journal keeps no bodies. Bounded by count and by bytes; the oldest go first.

type SimulatorFetch = (url: string, init: RequestInit & { body: string }) => Promise<Response>;

export const DEFAULT_SENT_BODY_LIMITS = Object.freeze({ maxBodies: 100_000, maxBytes: 32 * 1024 * 1024 });

/** The event id of a delivery body (an event envelope), or undefined for anything else (an alert). */
export function eventIdOf(body: string): string | undefined {
  // Alerts carry no `id` at their top level; a body that is not JSON is not an event.
  if (!body.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const { id, type, data } = value as Record<string, unknown>;
    return typeof id === "string" && typeof type === "string" && typeof data === "object" && data !== null ? id : undefined;
  } catch {
    return undefined;
  }
}

export class SentBodies {
  private readonly bodies = new Map<string, string>();
  private bytes = 0;

  constructor(readonly limits: { maxBodies: number; maxBytes: number } = DEFAULT_SENT_BODY_LIMITS) {}

  /** Keeps `body` under its event id (the newest body sent with that id wins); alerts are not kept. */
  remember(body: string): void {
    const id = eventIdOf(body);
    if (id === undefined || body.length > this.limits.maxBytes) return;
    this.forget(id);
    this.bodies.set(id, body);
    this.bytes += body.length;
    // A Map iterates in insertion order: the first key is the oldest body.
    for (const oldest of this.bodies.keys()) {
      if (this.bodies.size <= this.limits.maxBodies && this.bytes <= this.limits.maxBytes) break;
      this.forget(oldest);
    }
  }

  /** The body last sent for `eventId`, or undefined when none was kept. */
  get(eventId: string): string | undefined {
    return this.bodies.get(eventId);
  }

  get size(): number {
    return this.bodies.size;
  }

  private forget(id: string): void {
    const body = this.bodies.get(id);
    if (body === undefined) return;
    this.bodies.delete(id);
    this.bytes -= body.length;
  }

  /**
   * A fetch for the simulator's `fetch` option that remembers each body and then calls `inner`
   * (default: the global fetch at the time of the call, as the simulator's own default does).
   * Anything other than a function or undefined is handed back as it is, for the simulator to refuse.
   */
  tap<F>(inner: F): F | SimulatorFetch {
    if (inner !== undefined && typeof inner !== "function") return inner;
    const next = (inner as SimulatorFetch | undefined) ?? ((url, init) => globalThis.fetch(url, init));
    return (url, init) => {
      if (typeof init.body === "string") this.remember(init.body);
      return next(url, init);
    };
  }
}
