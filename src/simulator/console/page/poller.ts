// Live updates by polling, kept bounded: one round at a time (the next is scheduled when the last
// has ended, however long it took), none while the page is not watched (the tab hidden, "Live"
// off: it sleeps until woken, with no timer left), and longer waits after each round the
// simulator did not answer, up to a cap, back to the interval after one that it did.

export interface PollerOptions {
  /** One round of requests; rejects when the simulator did not answer. */
  round: () => Promise<void>;
  /** Whether anyone is watching: checked before each round. */
  watched: () => boolean;
  intervalMs: number;
  maxDelayMs: number;
  /** After a failed round, with the wait before the next. */
  failed?: (delayMs: number) => void;
  /** When a round is due but nobody watches: the poller sleeps until wake(). */
  sleeping?: () => void;
}

/** The wait after `failures` failed rounds in a row: the interval doubled each time, up to the cap. */
export function backoffMs(failures: number, intervalMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, intervalMs * 2 ** Math.min(failures, 30));
}

export function createPoller({ round, watched, intervalMs, maxDelayMs, failed, sleeping }: PollerOptions) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let failures = 0;

  async function tick(): Promise<void> {
    timer = undefined;
    if (running) return;
    if (!watched()) return sleeping?.();
    running = true;
    try {
      await round();
      failures = 0;
    } catch {
      failures += 1;
    } finally {
      running = false;
    }
    const delay = backoffMs(failures, intervalMs, maxDelayMs);
    if (failures > 0) failed?.(delay);
    timer = setTimeout(() => void tick(), delay);
  }

  return {
    /** A round now (the tab shown again, "Live" ticked, a token given), unless one is running: that one schedules the next. */
    wake(): void {
      if (running) return;
      clearTimeout(timer);
      void tick();
    },
  };
}
