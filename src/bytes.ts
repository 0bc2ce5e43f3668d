// Byte helpers shared by the parts that read request bodies (the receiver, the simulator).

/** The chunks of a body as one array of `size` bytes (the chunk itself when there is one). */
export function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}
