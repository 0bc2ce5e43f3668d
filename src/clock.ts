// The one clock for durations: every deadline, rate, backoff and elapsed time in the package reads
// it. Monotonic (performance.now()): a wall clock stepped back by NTP or an operator would stretch
// a wait without bound, or let attempts share a timer that has already fired. Wall-clock time
// (Date.now()) is only for what is a date: a record's `at`, an event's timestamp, a Retry-After date.

/** Milliseconds on a monotonic clock, for measuring durations only (its zero is arbitrary). */
export const monotonicNow = (): number => performance.now();
