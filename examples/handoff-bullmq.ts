// A durable hand-off on Redis with BullMQ: the receiver only stores a job, keyed by the event's id,
// and acknowledges after Redis has it; a worker does the longer work with its own retries.
// - The job id is the event id: a repeat of the event (another delivery, a resend) adds nothing.
// - The 200 goes out after `queue.add` resolved: an enqueue that fails is a 500, and the platform
//   delivers again. "Enqueue, then 200" without the key would double the event on every repeat.
// Run by test/receiver/handoff.test.ts against a real redis-server. In your project, import from
// "socotra-webhooks-contract" instead of "../src/index.js".
import { createNodeRedisClient, Queue, Worker, type Job } from "bullmq";
import { createClient } from "redis";
import { createWebhookReceiver, type WebhookPayload } from "../src/index.js";

/** BullMQ refuses ids with ":" and ids that are integers: the event id, made safe for both, one to one. */
export const jobIdOf = (eventId: string) => `event-${encodeURIComponent(eventId)}`;

export function handOffWithBullMQ(redisUrl: string, work: (event: WebhookPayload) => Promise<void>) {
  // BullMQ does not close a client it was given: close() below ends each one it was handed.
  const clients: ReturnType<typeof createClient>[] = [];
  const connection = () => {
    const client = createClient({ url: redisUrl });
    clients.push(client);
    return createNodeRedisClient(client);
  };
  const queue = new Queue<WebhookPayload>("socotra-events", { connection: connection() });
  const receiver = createWebhookReceiver().on("*", async (event) => {
    await queue.add(event.type, event, {
      jobId: jobIdOf(event.id),
      attempts: 5,
      backoff: { type: "exponential", delay: 1_000 },
      // Completed jobs are kept (and so repeats refused) as long as the platform may repeat an event.
      removeOnComplete: { age: 24 * 60 * 60 },
      removeOnFail: false,
    });
  });
  const worker = new Worker<WebhookPayload>("socotra-events", async (job: Job<WebhookPayload>) => work(job.data), { connection: connection() });
  return {
    receiver,
    queue,
    async close() {
      await worker.close();
      await queue.close();
      await Promise.all(clients.map((client) => (client.isOpen ? client.close() : undefined)));
    },
  };
}
