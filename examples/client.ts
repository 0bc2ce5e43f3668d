// client.ts
import { createWebhooksClient } from "socotra-webhooks-contract";

const client = createWebhooksClient({
  baseUrl: process.env.SOCOTRA_BASE_URL ?? "https://api.sandbox.socotra.com",
  token: process.env.SOCOTRA_TOKEN!, // from the Account API; sent raw, never logged
});

const { data, error, response } = await client.GET("/webhooks/{name}", {
  params: { path: { name: "policy-events" } },
});
if (error) console.error(response.status, error); // typed per declared status
else console.log(data.name, data.events); // data: Webhook; events: WebhookEventType[]
