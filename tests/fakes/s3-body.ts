// Request bodies for the fake S3 server, read as streams: the aws-chunked content encoding the
// SDK uses for streamed uploads (size-prefixed chunks, then trailing x-amz-checksum-* headers),
// and the digests S3 computes as bytes arrive (MD5 for the ETag, SHA-256 for
// x-amz-content-sha256, and the x-amz-checksum-* family), so a 200 MB body is never held whole
// unless the fake keeps bodies.
import crypto from "node:crypto";
import zlib from "node:zlib";
import { S3Error } from "@/tests/fakes/s3-wire";

export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "sha1", "sha256", "crc64nvme"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** The algorithm named by a header such as `x-amz-checksum-crc32`, if it is one. */
export function checksumAlgorithmOf(headerName: string): ChecksumAlgorithm | undefined {
  const name = headerName.toLowerCase().replace(/^x-amz-checksum-/, "");
  return headerName.toLowerCase().startsWith("x-amz-checksum-") ? CHECKSUM_ALGORITHMS.find((a) => a === name) : undefined;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Buffer, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

function uint32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString("base64");
}

export interface Digest {
  size: number;
  md5: Buffer;
  sha256: Buffer;
  /** base64 values of the x-amz-checksum-* algorithms asked for (crc64nvme is not computed). */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** The body, when kept. */
  body?: Buffer;
}

/** MD5, SHA-256 and the requested checksums of a body, fed chunk by chunk. */
/** Bodies up to this size are kept even when the fake keeps no bodies. */
export const SMALL_BODY_BYTES = 64 * 1024;

export class BodyDigest {
  private size = 0;
  private readonly md5 = crypto.createHash("md5");
  private readonly sha256 = crypto.createHash("sha256");
  private readonly sha1?: crypto.Hash;
  private crc32?: number;
  private crc32c?: number;
  private chunks: Buffer[] | undefined;
  private readonly keepAll: boolean;

  /** `keep` false still keeps a small body (a connection test's probe) until it passes SMALL_BODY_BYTES. */
  constructor(wanted: Iterable<ChecksumAlgorithm>, keep: boolean) {
    const set = new Set(wanted);
    if (set.has("sha1")) this.sha1 = crypto.createHash("sha1");
    if (set.has("crc32")) this.crc32 = 0;
    if (set.has("crc32c")) this.crc32c = 0;
    this.chunks = [];
    this.keepAll = keep;
  }

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.sha1?.update(chunk);
    if (this.crc32 !== undefined) this.crc32 = zlib.crc32(chunk, this.crc32);
    if (this.crc32c !== undefined) this.crc32c = crc32c(chunk, this.crc32c);
    this.chunks?.push(chunk);
    if (!this.keepAll && this.size > SMALL_BODY_BYTES) this.chunks = undefined;
  }

  get bytes(): number {
    return this.size;
  }

  finish(): Digest {
    const sha256 = this.sha256.digest();
    const checksums: Digest["checksums"] = { sha256: sha256.toString("base64") };
    if (this.sha1) checksums.sha1 = this.sha1.digest("base64");
    if (this.crc32 !== undefined) checksums.crc32 = uint32Base64(this.crc32);
    if (this.crc32c !== undefined) checksums.crc32c = uint32Base64(this.crc32c);
    return { size: this.size, md5: this.md5.digest(), sha256, checksums, body: this.chunks ? Buffer.concat(this.chunks) : undefined };
  }
}

const incomplete = () => new S3Error(400, "IncompleteBody", "The request body terminated unexpectedly");
const badChunk = () => new S3Error(400, "InvalidRequest", "Invalid aws-chunked encoding: a chunk is not framed as <hex-size>\\r\\n<data>\\r\\n");

/**
 * Decodes `Content-Encoding: aws-chunked` (unsigned chunks: `<hex size>[;ext]\r\n<data>\r\n`,
 * a zero-size chunk, then `name:value\r\n` trailer lines and an empty line). Trailers are put
 * into `trailers` (lower-case names) once the body has been read. A malformed body is read to
 * its end before the error is thrown: leaving a loop over the request stream early would
 * destroy the socket the error answer has to go out on.
 */
export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, trailers: Map<string, string>): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let state: "size" | "data" | "data-end" | "trailer" | "done" | "failed" = "size";
  for await (const chunk of source) {
    if (state === "done" || state === "failed") continue;
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let pos = 0;
    while (pos < pending.length && state !== "done" && state !== "failed") {
      if (state === "data") {
        const take = Math.min(remaining, pending.length - pos);
        yield pending.subarray(pos, pos + take);
        pos += take;
        remaining -= take;
        if (remaining === 0) state = "data-end";
        continue;
      }
      const eol = pending.indexOf("\r\n", pos);
      if (eol === -1) {
        if (pending.length - pos > 8192) state = "failed";
        break;
      }
      const line = pending.subarray(pos, eol).toString("latin1");
      pos = eol + 2;
      if (state === "data-end") {
        state = line === "" ? "size" : "failed";
      } else if (state === "size") {
        const m = /^([0-9a-fA-F]{1,16})(;.*)?$/.exec(line);
        remaining = m ? parseInt(m[1]!, 16) : -1;
        state = remaining < 0 ? "failed" : remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        state = "done";
      } else {
        const colon = line.indexOf(":");
        if (colon <= 0) state = "failed";
        else trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    pending = pending.subarray(pos);
  }
  if (state === "failed") throw badChunk();
  // Some clients end the body right after the trailer lines, without the final empty line.
  if (state !== "done" && !(state === "trailer" && pending.length === 0)) throw incomplete();
}
