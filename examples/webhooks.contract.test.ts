// webhooks.contract.test.ts
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebhooksClient } from "socotra-webhooks-contract";
import { startMockServer, type MockServer } from "socotra-webhooks-contract/testing";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer(); // a free port; resolves once Prism answers
}, 30_000); // Prism starts in about a second, longer on a busy CI machine
afterAll(() => mock.stop());

it("lists webhooks", async () => {
  const client = createWebhooksClient({ baseUrl: mock.url, token: "any-token" });
  const { data, error } = await client.GET("/webhooks");
  expect(error).toBeUndefined();
  expect(data?.webhooks.length).toBeGreaterThan(0);
});
