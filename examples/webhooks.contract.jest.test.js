// webhooks.contract.jest.test.js
const { createWebhooksClient } = require("socotra-webhooks-contract");
const { startMockServer } = require("socotra-webhooks-contract/testing");

let mock;
beforeAll(async () => {
  mock = await startMockServer();
}, 30_000); // Jest's default 5 s is short for Prism on a busy CI machine
afterAll(() => mock.stop());

test("lists webhooks", async () => {
  const client = createWebhooksClient({ baseUrl: mock.url, token: "any-token" });
  const { data, error } = await client.GET("/webhooks");
  expect(error).toBeUndefined();
  expect(data.webhooks.length).toBeGreaterThan(0);
});
