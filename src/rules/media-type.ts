// The JSON content-type test, for the receiver and the simulator: application/json or any
// application/*+json, with parameters.
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
/**
 * A charset parameter that is not UTF-8: JSON is UTF-8 (RFC 8259), a body declared in another would
 * be misread. The spaces after `=` are inside the lookahead: outside, the regex backtracks into them
 * and finds "not UTF-8" at a space.
 */
const OTHER_CHARSET = /;\s*charset\s*=(?!\s*"?utf-?8"?\s*(?:;|$))/i;

/**
 * Whether `contentType` names JSON. `utf8Only` also refuses a charset other than UTF-8 (the
 * receiver's rule, which decodes the bytes itself).
 */
export function isJsonMediaType(contentType: string, utf8Only = false): boolean {
  if (contentType === "application/json") return true;
  return JSON_TYPE.test(contentType) && !(utf8Only && OTHER_CHARSET.test(contentType));
}
