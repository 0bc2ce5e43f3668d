// AWS Lambda function URLs and API Gateway HTTP APIs (payload format 2.0): the event holds the
// whole body, base64-encoded when it is binary.
import { RECEIVER_FAILED, type ReceiverAnswer } from "./answers.js";
import { coreOf, type WebhookReceiver } from "./core.js";

/** The parts of a function URL / API Gateway v2 event the handler reads (v1's `httpMethod` works too). */
export interface LambdaHttpEvent {
  requestContext?: { http?: { method?: string } } | null;
  httpMethod?: string;
  headers?: Readonly<Record<string, string | undefined>> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const nodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: "base64"): Uint8Array } }).Buffer;
const fromBase64 = (text: string): Uint8Array => (nodeBuffer ? nodeBuffer.from(text, "base64") : Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));

function headerOf(headers: LambdaHttpEvent["headers"], name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  if (Object.hasOwn(headers, name)) return headers[name];
  // API Gateway v1 keeps the sender's case; v2 and function URLs lower-case the names.
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

const toResult = (answer: ReceiverAnswer): LambdaHttpResult => ({ statusCode: answer.status, headers: { ...answer.headers }, body: answer.body });

/**
 * A Lambda handler for a function URL or an API Gateway HTTP API. Never rejects.
 *
 * @example
 * export const handler = createLambdaHandler(receiver);
 */
export function createLambdaHandler(receiver: WebhookReceiver): (event: LambdaHttpEvent) => Promise<LambdaHttpResult> {
  const core = coreOf(receiver, "createLambdaHandler");
  return async (event) => {
    try {
      const method = event?.requestContext?.http?.method ?? event?.httpMethod;
      const early = core.precheck(method, headerOf(event?.headers, "content-type"), headerOf(event?.headers, "content-length"));
      if (early !== undefined) return toResult(early);
      const body = typeof event.body === "string" ? event.body : "";
      if (!event.isBase64Encoded) return toResult(await core.fromRaw(body));
      // Four base64 characters carry three bytes: refuse before decoding what cannot fit.
      if (Math.floor((body.length * 3) / 4) - 2 > core.maxBytes) return toResult(core.tooLarge);
      return toResult(await core.fromRaw(fromBase64(body)));
    } catch (error) {
      core.report(error);
      return toResult(RECEIVER_FAILED);
    }
  };
}
