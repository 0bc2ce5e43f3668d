// Timeouts without an AbortSignal and a timer per request (creating a signal is most of the
// layer's cost): the attempts that start within one slice of time share a controller, aborted
// once the last of them is overdue, and only if any is still in flight. An attempt therefore
// times out between `timeoutMs` and `timeoutMs` + one slice (a twentieth of it, at most 1 s).

import { monotonicNow } from "../clock.js";
import { MAX_TIMER_MS } from "../rules/limits.js";

const TIMED_OUT = Symbol("timed out");
/**
 * A slice serves at most this many attempts. Each attempt's Request adds a listener to the slice's
 * signal (removed only when that Request is collected), and undici counts a signal's listeners
 * every time a Request follows it: a few dozen keep that count, and the new slices, cheap.
 */
const MAX_USES = 32;

type Timer = ReturnType<typeof setTimeout> & { ref?: () => void; unref?: () => void };

class Slice {
  readonly controller = new AbortController();
  readonly startedAt = monotonicNow();
  uses = 0;
  inFlight = 0;
  /** Its timer has run: an attempt joining it now would have no timeout at all. */
  fired = false;
  timer: Timer | undefined;
}

/** A controller's signal for an attempt, shared or its own, and whether the timeout ended it. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  end(): void;
}

/** An attempt's share of a slice: a class, so that an attempt costs one small object. */
class SharedAttempt implements AttemptSignal {
  readonly signal: AbortSignal;

  constructor(
    private readonly deadlines: Deadlines,
    private readonly slice: Slice,
  ) {
    this.signal = slice.controller.signal;
  }

  get timedOut(): boolean {
    return this.signal.reason === TIMED_OUT;
  }

  end(): void {
    this.deadlines.release(this.slice);
  }
}

export class Deadlines {
  private slice: Slice | undefined;
  private readonly width: number;
  private readonly sliceDelay: number;

  constructor(private readonly timeoutMs: number) {
    this.width = Math.min(1000, Math.max(1, Math.floor(timeoutMs / 20)));
    // Past the timer limit Node would fire after 1 ms, timing every attempt out at once.
    this.sliceDelay = Math.min(timeoutMs + this.width, MAX_TIMER_MS);
  }

  /** A shared signal for an attempt starting now. */
  shared(): AttemptSignal {
    let slice = this.slice;
    if (slice === undefined || slice.fired || slice.uses >= MAX_USES || monotonicNow() - slice.startedAt >= this.width) {
      // A retired slice with nothing in flight has nothing to time out.
      if (slice !== undefined && slice.inFlight === 0) clearTimeout(slice.timer);
      const fresh = new Slice();
      fresh.timer = setTimeout(() => {
        fresh.fired = true;
        if (fresh.inFlight > 0) fresh.controller.abort(TIMED_OUT);
      }, this.sliceDelay) as Timer;
      slice = this.slice = fresh;
    }
    slice.uses += 1;
    // Only a slice with attempts in flight keeps the process alive.
    if ((slice.inFlight += 1) === 1) slice.timer!.ref?.();
    return new SharedAttempt(this, slice);
  }

  /** An attempt of `slice` has ended. */
  release(slice: Slice): void {
    if ((slice.inFlight -= 1) !== 0) return;
    if (slice === this.slice) slice.timer!.unref?.();
    else clearTimeout(slice.timer);
  }

  /** An attempt's own controller and timer, following the caller's signal: for calls that bring one. */
  own(userSignal: AbortSignal | undefined): AttemptSignal {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(TIMED_OUT), this.timeoutMs);
    const forward = () => controller.abort(userSignal!.reason);
    userSignal?.addEventListener("abort", forward, { once: true });
    if (userSignal?.aborted) forward();
    return {
      signal: controller.signal,
      get timedOut() {
        return controller.signal.reason === TIMED_OUT;
      },
      end: () => {
        clearTimeout(timer);
        userSignal?.removeEventListener("abort", forward);
      },
    };
  }
}
