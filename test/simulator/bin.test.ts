// socotra-webhooks sim, as installed: prints the assumptions in force and the curl lines, serves
// until SIGTERM; a bad flag ends with the usage and status 2, naming the key and the rule.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { SimulatorServerError, startSimulator } from "../../src/simulator/index.js";
import { WebhooksContractError } from "../../src/errors.js";
import { ensureDist } from "../support/dist.js";

// The bins and modules this file runs are the built ones.
beforeAll(ensureDist);

const bin = new URL("../../dist/bin/socotra-webhooks.js", import.meta.url).pathname;
const run = promisify(execFile);

describe("socotra-webhooks sim", () => {
  it("prints its URL, the assumptions in force and the curl lines, and serves until SIGTERM", async () => {
    const child = spawn(process.execPath, [bin, "sim", "--port", "0", "--assume", "retryDelayMs=0", "--integration", "svc=http://127.0.0.1:9/events", "--token", "tok-secret-4711"]);
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => ((output += chunk), output.includes("Ctrl-C") && resolve()));
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(output).toMatch(/retryDelayMs\s+0 {2}\(default 1000\) {2}\[not documented\]/);
      // The configured token is never echoed: the curl lines name a variable instead.
      expect(output).toContain('curl -X POST -H "Authorization: $SOCOTRA_TOKEN"');
      expect(output).not.toContain("tok-secret-4711");
      // The curl lines use the integration just given, not a my-service at :3000 over it.
      expect(output).not.toContain("my-service");
      expect(output).not.toContain("/_simulator/integrations/");
      expect(output).toContain('"integrationName":"svc"');
      const url = /Webhooks simulator {2}(http:\/\/\S+)/.exec(output)![1]!;
      const response = await fetch(`${url}/_simulator/integrations`, { headers: { authorization: "tok-secret-4711" } });
      expect((await response.json()).integrations).toEqual([{ name: "svc", url: "http://127.0.0.1:9/events", headers: {} }]);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("refuses a bad flag with the usage and status 2, naming the key and the rule", async () => {
    const cases = [
      [["--assume", "nope=1"], /unknown assumption "nope"/],
      [["--assume", "deliveryTimeoutMs=0"], /"deliveryTimeoutMs" must be an integer from 1 to 600000/],
      [["--integration", "svc"], /--integration must look like NAME=URL/],
      [["--integration", "svc=ftp://x"], /url must be an http\(s\) URL/],
      [["--port", "70000"], /--port must be a whole number/],
      [["--token", "bad\ntoken"], /--token must not hold control characters/],
    ] as const;
    const errors = await Promise.all(cases.map(([args]) => run(process.execPath, [bin, "sim", ...args]).then(() => undefined, (caught: { code: number; stderr: string }) => caught)));
    errors.forEach((error, i) => {
      expect(error?.code, cases[i]![0].join(" ")).toBe(2);
      expect(error?.stderr).toMatch(cases[i]![1]);
      expect(error?.stderr).toContain("Usage: socotra-webhooks sim");
    });
  });

  it("startSimulator names a port in use", async () => {
    const first = await startSimulator();
    try {
      const port = Number(new URL(first.url).port);
      await expect(startSimulator({ port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
      const error = await startSimulator({ port }).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(SimulatorServerError);
      expect(error).toBeInstanceOf(WebhooksContractError);
      expect(error).toMatchObject({ port, host: "127.0.0.1" });
    } finally {
      await first.stop();
    }
  });
});
