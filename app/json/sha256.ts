// SHA-256 (FIPS 180-4) in plain TypeScript. Synchronous on purpose: the fingerprint is computed
// during render in the browser and in loaders on the server, and WebCrypto's digest is async-only.
// On the server, Node's own hash is used instead (several times faster, the same bytes: both encode
// text as UTF-8 with lone surrogates as U+FFFD); the tests hold the two to each other.

type NodeCrypto = { createHash(algorithm: "sha256"): { update(data: string | Uint8Array, encoding?: "utf8"): { digest(encoding: "hex"): string } } };
// `process.getBuiltinModule` (Node ≥ 20.16) reaches node:crypto without an import, so this shared
// module stays free of Node imports in the browser bundle, where `process` does not exist.
const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
const nodeCrypto = builtin?.("node:crypto") as NodeCrypto | undefined;
// Node's UTF-8 length is native (and O(1) for text V8 stores as Latin-1); it too counts a lone surrogate
// as the 3 bytes of U+FFFD.
const nodeBuffer = (builtin?.("node:buffer") as { Buffer: { byteLength(text: string, encoding: "utf8"): number } } | undefined)?.Buffer;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** UTF-8 bytes of a string; lone surrogates become U+FFFD, as TextEncoder does. */
export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Number of UTF-8 bytes `text` encodes to, without allocating the bytes. */
export function utf8Length(text: string): number {
  return nodeBuffer ? nodeBuffer.byteLength(text, "utf8") : utf8LengthPortable(text);
}

/** utf8Length() in plain TypeScript, for the browser (exported for the tests). */
export function utf8LengthPortable(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3; // lone high surrogate → U+FFFD (3 bytes)
    } else bytes += 3;
  }
  return bytes;
}

/** True where Node's hash is in use (the server); false in the browser. */
export const SHA256_IS_NATIVE = nodeCrypto !== undefined;

/** Hex SHA-256 of a string (hashed as UTF-8) or of raw bytes. */
export function sha256Hex(input: string | Uint8Array): string {
  if (nodeCrypto) return nodeCrypto.createHash("sha256").update(input, "utf8").digest("hex");
  return sha256HexPortable(input);
}

/** The plain-TypeScript implementation, used in the browser (exported so tests can hold it to Node's). */
export function sha256HexPortable(input: string | Uint8Array): string {
  const message = typeof input === "string" ? utf8Bytes(input) : input;
  const length = message.length;
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const total = Math.ceil((length + 9) / 64) * 64;
  const block = new Uint8Array(total);
  block.set(message);
  block[length] = 0x80;
  const view = new DataView(block.buffer);
  view.setUint32(total - 8, Math.floor(length / 0x20000000), false);
  view.setUint32(total - 4, (length << 3) >>> 0, false);

  let h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
  let h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
  const w = new Uint32Array(64);

  for (let offset = 0; offset < total; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4, false);
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15], y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
  }
  return [h0, h1, h2, h3, h4, h5, h6, h7].map((word) => (word >>> 0).toString(16).padStart(8, "0")).join("");
}
