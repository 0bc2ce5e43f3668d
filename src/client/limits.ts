// Timer limits shared by the client and the sender.

/** setTimeout's limit: Node runs a longer delay after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The timeout to hand to Deadlines, whose shared timer waits up to one slice (at most 1 s) past it:
 * past the timer limit, Node would fire that timer after 1 ms and time every attempt out at once.
 */
export const deadlineMs = (timeoutMs: number): number => Math.min(timeoutMs, MAX_TIMER_MS - 1000);
