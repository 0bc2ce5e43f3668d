// A real redis-server for a test file: Debian's redis-server on a free port, nothing persisted,
// killed in stop() or, if the test process dies first, by its watchdog.
import { spawn } from "node:child_process";
import { createClient } from "redis";
import { freePort, pause, requireBinary, watchdog } from "./guard.js";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  requireBinary("redis-server", "redis-server");
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: ["ignore", "ignore", "pipe"] });
  const standDown = watchdog(`kill -9 ${server.pid} 2>/dev/null`);
  let exited = false;
  const gone = new Promise<void>((resolve) => server.once("exit", () => resolve(void (exited = true))));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    standDown();
    if (!exited) server.kill("SIGKILL");
    await gone;
  };
  // Ready when it answers PING: usually within 50 ms; 10 s is for a machine under load.
  for (const started = Date.now(); Date.now() - started < 10_000; await pause(50)) {
    if (exited) break;
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.quit();
      return { url, port, stop };
    } catch {
      // Not listening yet; the client closed itself (reconnectStrategy: false).
    }
  }
  await stop();
  throw new Error(`redis-server did not answer on port ${port} within 10 s`);
}
