// `npm start`: build everything, then serve the Prism mock (PORT, default 4010) and the HTML docs
// (DOCS_PORT, default the mock's port + 1) on 127.0.0.1 until Ctrl-C.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { GENERATED } from "./lib.js";
import { buildAll } from "./build.js";

const DOCS_PAGE = join(GENERATED, "docs", "index.html");

function parsePort(name, fallback) {
  const text = process.env[name] ?? String(fallback);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`${name} must be a whole number from 0 to 65535, got "${text}"`);
  return port;
}

/** Redoc routes by path over http, so every path answers the one page. */
async function serveDocs(port) {
  const page = await readFile(DOCS_PAGE);
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  });
  await new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(new Error(error.code === "EADDRINUSE" ? `docs port ${port} on 127.0.0.1 is already in use: set DOCS_PORT to another port` : error.message)),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

try {
  const mockPort = parsePort("PORT", 4010);
  const docsPort = parsePort("DOCS_PORT", mockPort === 0 ? 0 : mockPort + 1);
  await buildAll();
  // The runtime is compiled by the build above, so it is imported only now.
  const { startMockServer } = await import("../dist/testing.js");
  const mock = await startMockServer({ port: mockPort });
  const docs = existsSync(DOCS_PAGE) ? await serveDocs(docsPort).catch(async (error) => (await mock.stop(), Promise.reject(error))) : undefined;
  console.log(`\nMock API   ${mock.url}`);
  if (docs) console.log(`API docs   http://127.0.0.1:${docs.address().port}/  (also ${DOCS_PAGE})`);
  console.log(`\nTry:  curl -H "Authorization: any-token" ${mock.url}/webhooks\n\nCtrl-C stops both.`);
  const stop = async () => {
    docs?.close();
    await mock.stop();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(`npm start: ${error.message}`);
  process.exitCode = 1;
}
