// A receiver built with the package's own receiver, on a real port, whose answers a test steers.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeHandler, createWebhookReceiver, type EventStreamWebhookSuspendedData, type FailureMessage, type WebhookPayload } from "../../src/index.js";

export interface TestReceiver {
  url: string;
  /** Deliveries its handler accepted (answered 200), in order. */
  delivered: WebhookPayload[];
  failureAlerts: FailureMessage[];
  suspensionAlerts: EventStreamWebhookSuspendedData[];
  /** While true, the handler throws, so the receiver answers 500. */
  failing: boolean;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const state = { delivered: [] as WebhookPayload[], failureAlerts: [] as FailureMessage[], suspensionAlerts: [] as EventStreamWebhookSuspendedData[], failing: false };
  const receiver = createWebhookReceiver()
    .on("*", (event) => {
      if (state.failing) throw new Error("the receiver is down");
      state.delivered.push(event);
    })
    .onFailureAlert((alert) => void state.failureAlerts.push(alert))
    .onSuspendedAlert((alert) => void state.suspensionAlerts.push(alert));
  const server: Server = createServer(createNodeHandler(receiver));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/** mulberry32: a small seeded PRNG, so that random failures repeat from run to run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number from a string, to seed a PRNG per event and attempt whatever order they arrive in. */
export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
