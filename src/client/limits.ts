/** setTimeout's limit: Node runs a longer delay after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
