// The small parts of file storage that need no bucket: telling a file's type from its bytes, CSV
// cells, object key names, the Files page's CSP and the guarded lookup.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, storageConnectSources } from "@/lib/http/security-headers";
import { guardedLookup, systemResolver } from "@/lib/http/url-rules";
import { uploadRules } from "@/lib/integrations/kit/storage-rules";
import { checkContentType } from "@/lib/storage/content-type";
import { csvCell, csvLine } from "@/lib/storage/exports";
import { displayName, keySafeName, newObjectName } from "@/lib/storage/files";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
const ZIP = Buffer.from("504b0304140000000800", "hex");
const rules = uploadRules({});

async function refusal(promise: Promise<unknown>): Promise<{ status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; message: string };
  }
  throw new Error("expected a refusal");
}

describe("content type from the bytes", () => {
  it("accepts what the bytes confirm and takes the detected type for application/octet-stream", async () => {
    expect(await checkContentType("image/png", PNG, true, rules, "a.png")).toBe("image/png");
    expect(await checkContentType("IMAGE/PNG; charset=binary", PNG, true, rules, "a.png")).toBe("image/png");
    expect(await checkContentType("application/octet-stream", PNG, true, rules, "a.bin")).toBe("image/png");
    expect(await checkContentType("text/csv", Buffer.from("a,b\r\n1,2\r\n"), true, rules, "a.csv")).toBe("text/csv");
    // An Office document's first bytes only say "zip".
    expect(await checkContentType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP, false, rules, "a.docx")).toMatch(/wordprocessingml/);
  });

  it("refuses a type the rules do not allow, bytes that are something else, and binary posing as text", async () => {
    expect(await refusal(checkContentType("text/html", Buffer.from("<p>hi</p>"), true, rules, "a.html"))).toMatchObject({
      status: 415,
      message: expect.stringMatching(/text\/html are not accepted/),
    });
    expect(await refusal(checkContentType("image/png", Buffer.from("<svg onload=alert(1)>"), true, rules, "a.png"))).toMatchObject({
      status: 415,
      message: expect.stringMatching(/do not look like one/),
    });
    expect(await refusal(checkContentType("image/jpeg", PNG, true, rules, "a.jpg"))).toMatchObject({
      message: expect.stringMatching(/says it is image\/jpeg, but its contents are image\/png/),
    });
    expect(await refusal(checkContentType("text/csv", Buffer.from([0x61, 0x00, 0x62]), true, rules, "a.csv"))).toMatchObject({ message: expect.stringMatching(/not text/) });
    expect(await refusal(checkContentType("application/octet-stream", Buffer.from([1, 2, 3, 4]), true, rules, "a.bin"))).toMatchObject({ status: 415 });
    const imagesOnly = uploadRules({ allowedTypes: "image/*" });
    expect(await checkContentType("image/png", PNG, true, imagesOnly, "a.png")).toBe("image/png");
    expect((await refusal(checkContentType("text/csv", Buffer.from("a"), true, imagesOnly, "a.csv"))).status).toBe(415);
  });

  it("reads the size limit and type list from the connection's fields, with defaults", () => {
    expect(uploadRules({ maxUploadMb: "10" }).maxBytes).toBe(10 * 1024 * 1024);
    expect(uploadRules({ maxUploadMb: "nonsense" }).maxBytes).toBe(500 * 1024 * 1024);
    expect(uploadRules({ allowedTypes: " Image/*, text/csv " }).allowedTypes).toEqual(["image/*", "text/csv"]);
  });
});

describe("CSV cells", () => {
  it("quotes what needs quoting and neutralises formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell(-2)).toBe("-2");
    expect(csvCell(null)).toBe("");
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
  });
});

describe("names", () => {
  it("keeps object keys to safe characters and display names to a file name", () => {
    expect(keySafeName("Résumé (final).pdf")).toBe("Resume-final.pdf");
    expect(keySafeName("../../etc/passwd")).toBe("etc-passwd");
    expect(keySafeName("")).toBe("file");
    expect(displayName("C:\\Users\\ada\\report.csv")).toBe("report.csv");
    expect(displayName("a\u0000b\u001f.txt")).toBe("ab.txt");
    expect(newObjectName("forms", "cv.pdf", new Date("2027-03-09T12:00:00Z"))).toMatch(/^forms\/2027\/03\/[0-9a-f-]{36}\/cv\.pdf$/);
  });
});

describe("the Files page's CSP and the guarded lookup", () => {
  it("lets the Files page post to any https bucket and the allowed http hosts, and nowhere else", () => {
    const csp = contentSecurityPolicy({ dev: false, connectSources: storageConnectSources(["127.0.0.1", "minio.lan", "::1"]) });
    expect(csp).toContain("connect-src 'self' https: http://127.0.0.1:* http://minio.lan:* http://[::1]:*");
    expect(contentSecurityPolicy({ dev: false })).toContain("connect-src 'self';");
  });

  it("resolves *.localhost to loopback (RFC 6761) and refuses what the policy refuses at connect time", async () => {
    expect(await systemResolver("bucket.localhost")).toEqual([{ address: "127.0.0.1", family: 4 }]);
    const lookup = (policy: { httpHosts: string[]; allowedNetworks: string[] }, host: string) =>
      new Promise<unknown>((resolve, reject) => guardedLookup(policy)(host, { all: true }, (error: unknown, addresses: unknown) => (error ? reject(error) : resolve(addresses))));
    await expect(lookup({ httpHosts: [], allowedNetworks: [] }, "bucket.localhost")).rejects.toThrow(/loopback/);
    await expect(lookup({ httpHosts: [], allowedNetworks: ["127.0.0.1"] }, "bucket.localhost")).resolves.toEqual([{ address: "127.0.0.1", family: 4 }]);
    await expect(lookup({ httpHosts: [], allowedNetworks: [] }, "169.254.169.254")).rejects.toThrow(/metadata/);
  });
});
