// The canned JSON server for the client benchmark, in its own process so that it does not share
// the measured event loop. With --chunked it answers without a Content-Length (chunked), as
// gateways and compressing proxies often do.
import { createServer } from "node:http";

const body = JSON.stringify({
  name: "policy-events",
  enabled: true,
  integrationName: "document-service",
  events: ["policy.issue"],
  retryStrategy: "three",
  failureHandling: { actOnStatusCodes: ["500"], actOnTimeout: true, mode: "divert" },
  suspended: false,
});
const chunked = process.argv.includes("--chunked");
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(200, { "content-type": "application/json", ...(!chunked && { "content-length": Buffer.byteLength(body) }) }).end(body));
});
server.keepAliveTimeout = 60_000;
// Ends with the benchmark that spawned it, however that ends: its stdin is a pipe from it.
process.stdin.on("end", () => process.exit(0)).resume();
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
