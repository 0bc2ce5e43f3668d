// The one output module of the command line: exit-status help, redaction of the token in human
// output only, and a full pipe's wait that Ctrl-C ends.
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/errors.js";
import { EXIT, exitStatusHelp, Output } from "../../src/cli/output.js";

const sink = () => {
  const written: string[] = [];
  return { written, stream: { write: (text: string) => (written.push(text), true) } };
};

describe("the command line's output", () => {
  it("words the exit statuses one way for every command", () => {
    expect(exitStatusHelp()).toBe("Exit status: 0 done, 1 something failed (listed), 2 bad usage or input, 130 interrupted.\n");
    expect(exitStatusHelp({ done: "all done", failed: "some failed or unknown (listed)" })).toBe("Exit status: 0 all done, 1 some failed or unknown (listed), 2 bad usage or input, 130 interrupted.\n");
    expect(exitStatusHelp({ interruptible: false })).not.toContain("130");
    expect(EXIT).toEqual({ done: 0, failed: 1, usage: 2, interrupted: 130 });
  });

  it("blanks a kept token (and its JSON-escaped form) in human output, never in machine output, and escapes control characters", async () => {
    const out = sink();
    const err = sink();
    const output = new Output({ stdout: out.stream, stderr: err.stream }, new AbortController().signal);
    const token = 'tok"en-4711\\x';
    output.keepSecret(token);
    output.keepSecret("short");
    await output.out(`a ${token} b ${JSON.stringify(token)} short\u001b[2J\n`);
    output.err(`e ${token}\n`);
    await output.json({ token });
    expect(out.written[0]).toBe('a [token] b "[token]" short\\u001b[2J\n');
    expect(err.written).toEqual(["e [token]\n"]);
    expect(JSON.parse(out.written[1]!)).toEqual({ token });
  });

  it("waits for a full pipe to drain, and Ctrl-C ends the wait as interrupted", async () => {
    const interrupt = new AbortController();
    const output = new Output({ stdout: { write: () => false, once: () => undefined } }, interrupt.signal);
    const writing = output.out("x\n");
    interrupt.abort();
    await expect(writing).rejects.toEqual(new CliError("interrupted", 130));
  });
});
