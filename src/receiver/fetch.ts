// The Fetch API form: Request in, Response out (Node 18+, Deno, Bun, workers, Next.js routes).
import { BODY_ALREADY_READ, isThenable, RECEIVER_FAILED, type ReceiverAnswer } from "./answers.js";
import { readStream } from "./body.js";
import type { ReceiverCore } from "./core.js";

const toResponse = (answer: ReceiverAnswer) =>
  answer.body === "" ? new Response(null, { status: answer.status }) : new Response(answer.body, { status: answer.status, headers: answer.headers });

/** Never rejects: whatever goes wrong becomes a problem answer. */
export async function handleRequest(core: ReceiverCore, request: Request): Promise<Response> {
  let answer: ReceiverAnswer;
  try {
    const { headers } = request;
    const early = core.precheck(request.method, headers.get("content-type"), headers.get("content-length"));
    if (early !== undefined) answer = early;
    else if (request.bodyUsed) answer = BODY_ALREADY_READ;
    else if (request.body === null) answer = await core.fromRaw("");
    else {
      const read = await readStream(request.body, core.maxBytes, core.deadlines, core.tooLarge);
      if (read instanceof Uint8Array) {
        const outcome = core.fromRaw(read);
        answer = isThenable(outcome) ? await outcome : outcome;
      } else answer = read;
    }
  } catch (error) {
    core.report(error);
    answer = RECEIVER_FAILED;
  }
  return toResponse(answer);
}
