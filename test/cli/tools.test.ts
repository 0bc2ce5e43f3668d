// One binary: `socotra-webhooks mock|sim|send|verify`, one token policy, and the old bin names as
// aliases that say they are deprecated.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDist } from "../support/dist.js";

beforeAll(ensureDist);

const dist = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
const run = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, [file, ...args], { env: { ...process.env, SOCOTRA_TOKEN: "", ...env } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("socotra-webhooks tools", () => {
  it("lists mock, sim, send and verify in its help", async () => {
    const { code, stdout } = await run(dist("socotra-webhooks"), ["--help"]);
    expect(code).toBe(0);
    for (const tool of ["mock", "sim", "send", "verify"]) expect(stdout).toMatch(new RegExp(`^  ${tool} `, "m"));
  });

  it.each(["mock", "sim", "send", "verify"])("%s --help shows the subcommand's usage", async (tool) => {
    const { code, stdout, stderr } = await run(dist("socotra-webhooks"), [tool, "--help"]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toMatch(new RegExp(`^Usage: socotra-webhooks ${tool} `));
  });

  it.each(["mock", "sim", "send", "verify"])("help %s shows the subcommand's own usage, as %s --help does", async (tool) => {
    const { code, stdout, stderr } = await run(dist("socotra-webhooks"), ["help", tool]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout).toBe((await run(dist("socotra-webhooks"), [tool, "--help"])).stdout);
  });

  it.each([
    ["send", "Exit status: 0 every delivery answered 2xx, 1 a delivery did not (listed), 2 bad usage or input."],
    ["verify", "Exit status: 0 every call kept the contract, 1 a call broke it,"],
  ])("%s --help states its exit statuses in the one format the commands use", async (tool, line) => {
    const { stdout } = await run(dist("socotra-webhooks"), [tool, "--help"]);
    expect(stdout).toContain(line);
  });

  it.each(["mock", "sim", "send", "verify"])("the old bin socotra-webhooks-%s still works, saying once on stderr what to type instead", async (tool) => {
    const { code, stdout, stderr } = await run(dist(tool), ["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe(`socotra-webhooks-${tool} is deprecated and will be removed in the next release: use \`socotra-webhooks ${tool}\`\n`);
    expect(stdout).toMatch(new RegExp(`^Usage: socotra-webhooks ${tool} `));
  });

  it.each([
    ["socotra-webhooks", ["verify", "--upstream", "http://127.0.0.1:9", "--token", "tok-secret-4711"]],
    ["socotra-webhooks", ["verify", "--upstream", "http://127.0.0.1:9", "--token=tok-secret-4711"]],
    ["verify", ["--upstream", "http://127.0.0.1:9", "--token", "tok-secret-4711"]],
    ["socotra-webhooks", ["send", "--url", "http://127.0.0.1:9", "--token", "tok-secret-4711"]],
  ])("%s %j refuses a token on the command line, saying where it goes, and never echoes it", async (file, args) => {
    const { code, stdout, stderr } = await run(dist(file), args);
    expect(code).toBe(2);
    expect(stderr).toContain("there is no --token option: the token comes from the SOCOTRA_TOKEN environment variable or a file named by --token-file");
    expect(stdout + stderr).not.toContain("tok-secret-4711");
  });

  it("verify without a token says where one goes", async () => {
    const { code, stderr } = await run(dist("socotra-webhooks"), ["verify", "--upstream", "http://127.0.0.1:9"]);
    expect(code).toBe(2);
    expect(stderr).toContain("no token: set SOCOTRA_TOKEN, or pass --token-file PATH");
  });

  it("a port out of range is refused by the one port rule", async () => {
    const { code, stderr } = await run(dist("socotra-webhooks"), ["sim", "--port", "65536"]);
    expect([code, stderr.split("\n")[0]]).toEqual([2, "--port must be a whole number from 0 to 65535"]);
  });
});
