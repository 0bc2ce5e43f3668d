// Numbers that bound what the package accepts everywhere.

/** setTimeout's limit: Node runs a longer delay after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A TCP port to listen on: 0 (any free one) to 65535. */
export const isPort = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 65535;

/** The rule a port breaks, said the same way by every option (`port`); a flag says "whole number" for "integer". */
export const PORT_RULE = "must be an integer from 0 to 65535";
export const PORT_FLAG_RULE = "must be a whole number from 0 to 65535";

/** A port given as text (a flag, an environment variable): digits only, then `isPort`. */
export const parsePort = (text: string): number | undefined => (/^\d{1,5}$/.test(text) && isPort(Number(text)) ? Number(text) : undefined);
