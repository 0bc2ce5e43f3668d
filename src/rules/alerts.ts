// The platform's alerts, from the spec's `webhooks` section: every outbound webhook but the event
// delivery. One table for the receiver's handlers, the sender's `alert` option and the simulator.
import { OUTBOUND_WEBHOOKS, type OutboundWebhookEntry } from "../../generated/operations.js";
import type { webhooks } from "../../generated/schema.js";

export type OutboundName = keyof webhooks & string;
export const EVENT_DELIVERY = "eventDelivery" satisfies OutboundName;
/** An alert, as the spec's `webhooks` section names it. */
export type AlertName = Exclude<OutboundName, typeof EVENT_DELIVERY>;

/** The short names the sender's `alert` option and `send --alert` take, for each alert of the spec. */
export const ALERT_KINDS = Object.freeze({ failure: "failureAlert", suspended: "suspensionAlert" } as const satisfies Record<string, AlertName>);
export type AlertKind = keyof typeof ALERT_KINDS;

/** The spec's entry (its body's schema) of an outbound webhook. */
export function outbound(name: OutboundName): OutboundWebhookEntry {
  const entry = OUTBOUND_WEBHOOKS.find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`the spec has no outbound webhook ${name}`);
  return entry;
}

/** How people name an alert: `failureAlert` is "failure alert". */
export const alertWords = (name: AlertName): string => name.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
