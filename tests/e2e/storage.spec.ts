// File storage in a real browser against the production server and the fake S3: the Files page
// without storage, then with it — a small file streamed through the app, a large one posted by
// Chromium straight to the bucket with a presigned POST (the bucket's CORS rules allow this
// site), the list, a download through a signed link, and delete with confirmation. Plus a 20 MB
// upload to the route over HTTP, which arrives whole only because the proxy leaves the route alone
// (Next would buffer the body for it and cut it at 10 MB). In a workspace of its own.
import fs from "node:fs";
import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { FAKES_FILE, SAME_ORIGIN } from "@/tests/e2e/env";
import { runCli, signInPage } from "@/tests/e2e/helpers";
import { S3_BUCKET, S3_KEYS, S3_REGION } from "@/tests/fakes/s3";

const OWNER = { email: "files-admin@plugboard.test", password: "files admin password for e2e" };
const MB = 1024 * 1024;
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
const png = (size: number, fill = 7) => Buffer.concat([PNG, Buffer.alloc(size - PNG.length, fill)]);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test.beforeAll(() => {
  // Again after a failed test (Playwright then starts a new worker): the account is there already.
  try {
    runCli("scripts/admin-create.ts", ["--email", OWNER.email, "--password", OWNER.password, "--workspace", "Files Workspace"]);
  } catch (error) {
    if (!String((error as { stderr?: unknown }).stderr ?? error).includes("already exists")) throw error;
  }
});

interface FileView {
  id: string;
  name: string;
  size: number;
  sha256: string | null;
  key: string;
}

test("the Files page uploads through the app and straight to the bucket, downloads and deletes", async ({ page }) => {
  const { s3 } = JSON.parse(fs.readFileSync(FAKES_FILE, "utf8")) as { s3: string };
  await signInPage(page, OWNER.email, OWNER.password, "/files");
  // No storage yet: the page says so and offers no drop zone.
  await expect(page.getByTestId("files-no-storage")).toContainText(/not connected/);
  await expect(page.getByTestId("files-dropzone")).toHaveCount(0);

  // Connected through the Integrations page's form: a wrong secret is refused and says so.
  await page.goto("/integrations");
  const card = page.getByTestId("integration-card-s3");
  await card.getByRole("button", { name: "Connect" }).click();
  const dialog = page.getByTestId("credentials-dialog-s3");
  await dialog.getByLabel("Endpoint").fill(s3);
  await dialog.getByLabel("Region").fill(S3_REGION);
  await dialog.getByLabel("Bucket").fill(S3_BUCKET);
  await dialog.getByLabel("Access key ID").fill(S3_KEYS.accessKeyId);
  await dialog.getByLabel("Secret access key").fill("not-the-secret-key-0000000000000000000000");
  await dialog.getByLabel("Addressing").selectOption("path");
  await dialog.getByLabel("Key prefix").fill("e2e/");
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(dialog).toContainText(/secret access key does not belong to this access key ID/);
  await dialog.getByLabel("Secret access key").fill(S3_KEYS.secretAccessKey);
  await dialog.getByRole("button", { name: "Connect" }).click();
  await expect(card.getByTestId("integration-status-s3")).toHaveText(/Active/);
  await page.goto("/files");
  await expect(page.getByTestId("files-dropzone")).toBeVisible();

  // A small file goes through the app.
  const logo = png(3000);
  await page.getByTestId("files-input").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logo });
  await expect(page.getByTestId("upload-row-0")).toContainText(/done/i);
  // A large one goes from Chromium to the bucket, then the app checks it.
  const poster = png(9 * MB, 9);
  const direct = page.waitForRequest((r) => r.url().startsWith(s3) && r.method() === "POST");
  await page.getByTestId("files-input").setInputFiles({ name: "poster.png", mimeType: "image/png", buffer: poster });
  expect((await direct).url()).toBe(`${s3}/${S3_BUCKET}`);
  await expect(page.getByTestId("upload-row-1")).toContainText(/done/i, { timeout: 30_000 });
  const progress = page.getByTestId("upload-row-1").getByRole("progressbar");
  await expect(progress).toHaveAttribute("aria-valuenow", "100");

  const table = page.getByTestId("files-table");
  await expect(table.getByRole("row").filter({ hasText: "poster.png" })).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: "logo.png" })).toBeVisible();
  await expect(page.getByTestId("files-usage")).toContainText(/2 files/);

  const listed = (await (await page.request.get("/api/storage/files")).json()) as { files: FileView[] };
  const byName = Object.fromEntries(listed.files.map((f) => [f.name, f]));
  // Through the app: hashed on the way. Straight to the bucket: hashed later by the maintenance job.
  expect(byName["logo.png"]).toMatchObject({ size: logo.length, sha256: sha256(logo), key: expect.stringMatching(/^e2e\/files\//) });
  expect(byName["poster.png"]).toMatchObject({ size: poster.length, sha256: null });

  // Download through a signed link: the bucket names the file.
  const logoRow = page.getByTestId(`file-row-${byName["logo.png"]!.id}`);
  const downloading = page.waitForEvent("download");
  await logoRow.getByRole("button", { name: /download/i }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("logo.png");
  expect(sha256(fs.readFileSync(await download.path()))).toBe(sha256(logo));

  // Delete, after confirming.
  await logoRow.getByRole("button", { name: /delete/i }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("logo.png");
  await confirm.getByRole("button", { name: /delete/i }).click();
  await expect(logoRow).toHaveCount(0);
  await expect(page.getByTestId("files-usage")).toContainText(/1 file\b/);
  const after = (await (await page.request.get("/api/storage/files")).json()) as { files: FileView[] };
  expect(after.files.map((f) => f.name)).toEqual(["poster.png"]);
});

test("a 20 MB file posted to the upload route arrives whole", async ({ page }) => {
  await signInPage(page, OWNER.email, OWNER.password, "/files");
  const big = png(20 * MB, 3);
  const answer = await page.request.post("/api/storage/files?purpose=exports", {
    headers: SAME_ORIGIN,
    multipart: { file: { name: "big.png", mimeType: "image/png", buffer: big } },
    timeout: 60_000,
  });
  expect(answer.status(), await answer.text()).toBe(201);
  const { files } = (await answer.json()) as { files: FileView[] };
  expect(files[0]).toMatchObject({ name: "big.png", size: big.length, sha256: sha256(big) });
  // A viewer may not upload, and another site may not make the browser upload.
  const crossSite = await page.request.post("/api/storage/files", {
    headers: { Origin: "https://evil.example" },
    multipart: { file: { name: "x.png", mimeType: "image/png", buffer: png(100) } },
  });
  expect(crossSite.status()).toBe(403);
});
