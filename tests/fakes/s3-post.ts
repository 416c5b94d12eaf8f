// Browser-based uploads (S3 POST with a policy), as S3 checks them: the signature is the hex
// HMAC-SHA256 of the base64 policy with the SigV4 signing key of the credential's scope; the
// policy must not have expired; each condition must hold; and every form field except
// x-amz-signature, file, policy and x-ignore-* must be covered by some condition. Form field
// names are matched case-insensitively, as S3 does.
import crypto from "node:crypto";
import { z } from "zod";
import { ALGORITHM, hmac, parseCredential, signatureMismatch, signingKey, type Credential } from "@/tests/fakes/s3-sigv4";
import { S3Error } from "@/tests/fakes/s3-wire";

export interface PostFormField {
  name: string;
  value: string;
}

export interface PostPolicyContext {
  bucket: string;
  bucketRegion: string;
  now: Date;
  /** The secret of an access key, and whether it may use this bucket; undefined when unknown. */
  lookupKey(accessKeyId: string): { secretAccessKey: string; allowed: boolean } | undefined;
}

export interface PostPolicyGrant {
  credential: Credential;
  /** From a content-length-range condition. */
  lengthRange?: { min: number; max: number };
}

const policySchema = z.object({
  expiration: z.string(),
  conditions: z.array(z.unknown()),
});

const NOT_COVERED = new Set(["x-amz-signature", "file", "policy"]);

const policyDenied = (why: string) => new S3Error(403, "AccessDenied", `Invalid according to Policy: ${why}`);
const invalidPolicy = (why: string) => new S3Error(400, "InvalidPolicyDocument", `Invalid Policy: ${why}`);

export function fieldValue(fields: PostFormField[], name: string): string | undefined {
  return fields.find((f) => f.name.toLowerCase() === name)?.value;
}

/** Checks a POST form's signature and policy (throws S3Error); returns what the upload may be. */
export function checkPostPolicy(fields: PostFormField[], ctx: PostPolicyContext): PostPolicyGrant {
  const policy = fieldValue(fields, "policy");
  const signature = fieldValue(fields, "x-amz-signature");
  if (policy === undefined && signature === undefined) throw new S3Error(403, "AccessDenied", "Access Denied");
  if (policy === undefined)
    throw new S3Error(400, "InvalidArgument", "Bucket POST must contain a field named 'policy'.  If it is specified, please check the order of the fields.", {
      ArgumentName: "policy",
    });
  const algorithm = fieldValue(fields, "x-amz-algorithm");
  if (algorithm !== ALGORITHM) throw new S3Error(400, "InvalidArgument", "POST requires a valid X-Amz-Algorithm field (AWS4-HMAC-SHA256).", { ArgumentName: "x-amz-algorithm" });
  const credential = parseCredential(fieldValue(fields, "x-amz-credential") ?? "");
  if (!credential || credential.service !== "s3") throw new S3Error(400, "InvalidArgument", "Error parsing the X-Amz-Credential field.", { ArgumentName: "x-amz-credential" });
  if (signature === undefined) throw new S3Error(400, "InvalidArgument", "Bucket POST must contain a field named 'X-Amz-Signature'.", { ArgumentName: "x-amz-signature" });

  const key = ctx.lookupKey(credential.accessKeyId);
  if (!key) throw new S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: credential.accessKeyId });
  if (credential.region !== ctx.bucketRegion) {
    throw new S3Error(
      400,
      "AuthorizationQueryParametersError",
      `Error parsing the X-Amz-Credential parameter; the region '${credential.region}' is wrong; expecting '${ctx.bucketRegion}'`,
      { Region: ctx.bucketRegion },
      { "x-amz-bucket-region": ctx.bucketRegion },
    );
  }
  const expected = hmac(signingKey(key.secretAccessKey, credential.date, credential.region, credential.service), policy);
  const provided = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0);
  if (provided.length !== expected.length || !crypto.timingSafeEqual(provided, expected)) throw signatureMismatch(credential.accessKeyId, policy, signature);
  if (!key.allowed) throw new S3Error(403, "AccessDenied", "Access Denied");

  let document: z.infer<typeof policySchema>;
  try {
    const parsed = policySchema.safeParse(JSON.parse(Buffer.from(policy, "base64").toString("utf8")));
    if (!parsed.success) throw invalidPolicy("Policy missing expiration or conditions.");
    document = parsed.data;
  } catch (error) {
    throw error instanceof S3Error ? error : invalidPolicy("Invalid JSON.");
  }
  const expiration = Date.parse(document.expiration);
  if (Number.isNaN(expiration)) throw invalidPolicy(`Invalid 'expiration' value: '${document.expiration}'`);
  if (ctx.now.getTime() > expiration) throw policyDenied("Policy expired.");

  const covered = new Set<string>();
  let lengthRange: PostPolicyGrant["lengthRange"];
  const actual = (name: string) => (name === "bucket" ? ctx.bucket : (fieldValue(fields, name) ?? ""));
  for (const condition of document.conditions) {
    if (Array.isArray(condition) && String(condition[0]).toLowerCase() === "content-length-range") {
      const [min, max] = [Number(condition[1]), Number(condition[2])];
      if (condition.length !== 3 || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
        throw invalidPolicy(`Invalid content-length-range condition: ${JSON.stringify(condition)}`);
      }
      lengthRange = { min, max };
      continue;
    }
    const { op, name, value } = readCondition(condition);
    covered.add(name);
    const ok = op === "eq" ? actual(name) === value : actual(name).startsWith(value);
    if (!ok) throw policyDenied(`Policy Condition failed: ["${op}", "$${name}", ${JSON.stringify(value)}]`);
  }

  const extra = fields.find((f) => {
    const name = f.name.toLowerCase();
    return !NOT_COVERED.has(name) && !name.startsWith("x-ignore-") && !covered.has(name);
  });
  if (extra) throw policyDenied(`Extra input fields: ${extra.name}`);
  return { credential, lengthRange };
}

/** `{"field": "v"}` (exact match) or `["eq"|"starts-with", "$field", "v"]`. */
function readCondition(condition: unknown): { op: "eq" | "starts-with"; name: string; value: string } {
  if (Array.isArray(condition)) {
    const [op, field, value] = condition as unknown[];
    const opName = String(op).toLowerCase();
    if (condition.length === 3 && (opName === "eq" || opName === "starts-with") && typeof field === "string" && field.startsWith("$") && typeof value === "string") {
      return { op: opName, name: field.slice(1).toLowerCase(), value };
    }
  } else if (condition && typeof condition === "object") {
    const entries = Object.entries(condition);
    if (entries.length === 1 && typeof entries[0]![1] === "string") return { op: "eq", name: entries[0]![0].toLowerCase(), value: entries[0]![1] };
  }
  throw invalidPolicy(`Invalid Policy condition: ${JSON.stringify(condition)}`);
}
