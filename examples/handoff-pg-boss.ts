// A durable hand-off on PostgreSQL with pg-boss: the receiver only stores a job, keyed by the
// event's id, and acknowledges after the row is committed; workers do the longer work.
// - The job's id is derived from the event's id (pg-boss ids are UUIDs), and its singleton key is
//   the event's id: a repeat of the event inserts nothing (ON CONFLICT DO NOTHING).
// - Events whose data carries a `policyLocator` go to a queue with the "singleton" policy keyed by
//   that locator: one active job per insurance policy, so one policy's events are worked in order.
// - The 200 goes out after `send` resolved: an enqueue that fails is a 500, and the platform
//   delivers again.
// pg-boss moves completed jobs to its archive after `archiveCompletedAfterSeconds` (12 hours by
// default); a repeat after that is enqueued again, so give the receiver a dedupe store for longer.
// Run by test/receiver/handoff.test.ts against a real PostgreSQL. In your project, import from
// "socotra-webhooks-contract" instead of "../src/index.js".
import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import { createWebhookReceiver, type WebhookPayload } from "../src/index.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The event's id when it is a UUID, else a UUID made from it (the same one every time). */
export function jobIdOf(eventId: string): string {
  if (UUID.test(eventId)) return eventId.toLowerCase();
  const hex = createHash("sha256").update(eventId).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const QUEUES = { inOrder: "socotra-policy-events", any: "socotra-events" } as const;

export async function handOffWithPgBoss(connectionString: string, work: (event: WebhookPayload) => Promise<void>) {
  const boss = new PgBoss({ connectionString });
  boss.on("error", (error) => console.error("pg-boss", error));
  await boss.start();
  await boss.createQueue(QUEUES.inOrder, { name: QUEUES.inOrder, policy: "singleton" });
  await boss.createQueue(QUEUES.any, { name: QUEUES.any, policy: "stately" });
  const receiver = createWebhookReceiver().on("*", async (event) => {
    const locator = (event.data as { policyLocator?: unknown }).policyLocator;
    const inOrder = typeof locator === "string";
    await boss.send(inOrder ? QUEUES.inOrder : QUEUES.any, event, {
      id: jobIdOf(event.id),
      singletonKey: inOrder ? locator : event.id,
      retryLimit: 5,
      retryBackoff: true,
    });
  });
  for (const queue of Object.values(QUEUES)) await boss.work<WebhookPayload>(queue, async ([job]) => work(job!.data));
  return { receiver, boss, close: () => boss.stop({ graceful: true, wait: true, timeout: 5_000 }) };
}
