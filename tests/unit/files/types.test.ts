// The Files page writes the storage API's shapes out by hand (components/files/types.ts) so no
// client component imports lib/storage; these checks fail when the two drift apart. The type
// assertions are checked by tsc (`tsc --noEmit -p .` covers tests/), the lists at run time.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { DirectUploadResponse, FileListResponse, FileView } from "@/components/files/types";
import { FILE_PURPOSES } from "@/components/files/types";
import type { DirectUpload } from "@/lib/storage/direct";
import { FILE_PURPOSES as SERVER_FILE_PURPOSES, type FileList, type FileView as ServerFileView } from "@/lib/storage/files";

describe("the Files page's copy of the storage API's shapes", () => {
  it("lists the purposes the server accepts, in its order", () => {
    expect(FILE_PURPOSES).toEqual(SERVER_FILE_PURPOSES);
  });

  it("has the server's answer shapes", () => {
    expectTypeOf<FileView>().toEqualTypeOf<ServerFileView>();
    expectTypeOf<FileListResponse>().toEqualTypeOf<FileList>();
    expectTypeOf<DirectUploadResponse>().toEqualTypeOf<DirectUpload>();
  });
});
