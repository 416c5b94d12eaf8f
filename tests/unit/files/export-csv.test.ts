// The Export CSV button's request and how it reads the two kinds of answer (a stored file's link,
// or the CSV itself), against a scripted fetch.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dispositionFileName, runExport } from "@/components/exports/export-csv";

let calls: { url: string; init: RequestInit }[];
let answer: Response;

beforeEach(() => {
  calls = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer;
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("running an export", () => {
  it("posts the page's filters, leaving out empty ones", async () => {
    answer = new Response(JSON.stringify({ stored: true, url: "https://bucket.example/a.csv?X-Amz-Signature=x", file: { name: "activity-2026-12-04.csv" } }), {
      status: 201,
      headers: { "content-type": "application/json" },
    });
    await runExport("activity", { providerId: "stripe", outcome: "", from: "2026-12-01T00:00:00.000Z" });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init.method).toBe("POST");
    const url = new URL(calls[0]!.url, "http://plugboard.test");
    expect(url.pathname).toBe("/api/exports/activity");
    expect(Object.fromEntries(url.searchParams)).toEqual({ providerId: "stripe", from: "2026-12-01T00:00:00.000Z" });
  });

  it("posts no query at all for the leads", async () => {
    answer = new Response(JSON.stringify({ stored: true, url: "https://bucket.example/l.csv", file: { name: "leads.csv" } }), {
      status: 201,
      headers: { "content-type": "application/json" },
    });
    await runExport("leads");
    expect(calls[0]!.url).toBe("/api/exports/leads");
  });

  it("answers the stored file's link and name when the CSV went to storage", async () => {
    answer = new Response(JSON.stringify({ stored: true, url: "https://bucket.example/leads.csv?sig", file: { name: "leads-2026-12-04.csv" }, expiresAt: "x" }), {
      status: 201,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    await expect(runExport("leads")).resolves.toEqual({ stored: true, url: "https://bucket.example/leads.csv?sig", fileName: "leads-2026-12-04.csv" });
  });

  it("hands back the CSV, its name and the server's reason when nothing was stored", async () => {
    answer = new Response("time,provider\r\n", {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="activity-2026-12-04.csv"; filename*=UTF-8''activity-2026-12-04.csv`,
        "x-plugboard-not-stored": "Amazon S3 is not connected in this workspace: connect it under Integrations first",
      },
    });
    const result = await runExport("activity");
    expect(result).toMatchObject({
      stored: false,
      fileName: "activity-2026-12-04.csv",
      reason: "Amazon S3 is not connected in this workspace: connect it under Integrations first",
    });
    expect(result.stored === false && (await result.blob.text())).toBe("time,provider\r\n");
  });

  it("fails with the server's message", async () => {
    answer = new Response(JSON.stringify({ error: "Your account is a viewer: ask an admin to make this change" }), {
      status: 403,
      headers: { "content-type": "application/json" },
    });
    await expect(runExport("leads")).rejects.toMatchObject({ status: 403, message: "Your account is a viewer: ask an admin to make this change" });
  });
});

describe("the download's file name", () => {
  it("prefers the exact UTF-8 name, then the plain one", () => {
    expect(dispositionFileName(`attachment; filename="r_sum_.csv"; filename*=UTF-8''r%C3%A9sum%C3%A9.csv`)).toBe("résumé.csv");
    expect(dispositionFileName(`attachment; filename="leads.csv"`)).toBe("leads.csv");
    expect(dispositionFileName(`attachment; filename=leads.csv`)).toBe("leads.csv");
    expect(dispositionFileName(`attachment; filename="a.csv"; filename*=UTF-8''%E0%A4%A`)).toBe("a.csv");
    expect(dispositionFileName("attachment")).toBeNull();
    expect(dispositionFileName(null)).toBeNull();
  });
});
