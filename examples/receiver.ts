// receiver.ts
import { createServer } from "node:http";
import { createNodeHandler, createWebhookReceiver, memoryDedupeStore } from "socotra-webhooks-contract";

const receiver = createWebhookReceiver({
  onError: (error) => console.error("webhook failed", error),
  // What the platform is known to send outside the contract, accepted and reported (never the value).
  onDeviation: ({ schema, path, rule }) => console.warn(`accepted a known deviation: ${schema}${path} (${rule})`),
  handlerTimeoutMs: 10_000, // the default: a handler still running then gets the delivery a 503
  dedupe: memoryDedupeStore({ maxKeys: 100_000 }), // one process; see below for several
})
  .on("policy.issue", async (event) => {
    console.log("policy issued", event.data.policyLocator, "in transaction", event.transactionId);
  })
  .on("policy.quote.*", (event) => console.log("quote event", event.type))
  .on("claim.*", (event) => console.log("claim event", event.type))
  .on("*", (event) => console.log("event", event.type, event.id))
  .onFailureAlert((alert) => console.warn(`delivery to ${alert.url} answered ${alert.actualStatus}`))
  .onSuspendedAlert((alert) => console.warn(`webhook ${alert.webhookName} was suspended`));

createServer(createNodeHandler(receiver)).listen(Number(process.env.PORT ?? 3000), () => console.log("listening"));
