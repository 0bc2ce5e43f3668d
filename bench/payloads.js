// Deliveries shaped like real ones: the spec's example envelope, with `data` holding lists of
// objects that share their keys (exposures, charges), as policy data does. Repeated key shapes
// matter: JSON.parse is far cheaper on them than on unique keys, which would hide the wrapper's cost.
import { WEBHOOK_EXAMPLES } from "../dist/index.js";

const [example] = WEBHOOK_EXAMPLES.eventDelivery;

const exposure = (i) => ({
  locator: String(200000000 + i),
  name: i % 2 ? "vehicle" : "driver",
  createdTimestamp: String(1589740898000 + i * 1000),
  fieldValues: { make: "Ford", model: "F-150", year: String(2010 + (i % 12)), vin: `1FTFW1ET${String(100000 + i)}` },
  charges: [{ type: "premium", amount: String(100 + (i % 50) * 3.25), currency: "USD" }],
});

/** The JSON text of a delivery of about `bytes` bytes. */
export function deliveryText(bytes) {
  const data = { ...example.data, policyLocator: "100000001", exposures: [] };
  const text = () => JSON.stringify({ ...example, data });
  for (let i = 0; text().length < bytes; i += 1) data.exposures.push(exposure(i));
  return text();
}
