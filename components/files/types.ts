// Shapes of the storage API's answers as the browser sees them, written out by hand so no client
// component reaches into lib/storage (tests/unit/files/types.test.ts keeps them equal to the server's).

export const FILE_PURPOSES = ["files", "forms", "social", "exports"] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];

export const PURPOSE_LABELS: Record<FilePurpose, string> = {
  files: "Files",
  forms: "Forms",
  social: "Social",
  exports: "Exports",
};

/** One stored file (lib/storage/files.ts FileView). */
export interface FileView {
  id: string;
  name: string;
  key: string;
  size: number;
  contentType: string;
  sha256: string | null;
  purpose: string;
  status: "pending" | "stored";
  createdBy: string;
  createdAt: string;
  connectionId: string;
  /** Which bucket: the connection's label ("uploads · AWS (eu-west-1)"). */
  storage: string | null;
}

/** GET /api/storage/files */
export interface FileListResponse {
  files: FileView[];
  nextCursor: string | null;
  usage: { files: number; bytes: number };
  /** Whether new files can be stored now; if not, why (files already stored stay listed). */
  storage: { connected: boolean; message: string | null };
}

/** POST /api/storage/files (multipart, through the app) */
export interface StoredFilesResponse {
  files: FileView[];
}

/** POST /api/storage/uploads: a signed form for one upload straight to the bucket. */
export interface DirectUploadResponse {
  file: FileView;
  /** Post `fields` then the file (last, as `file`) to `url` as multipart/form-data. */
  upload: { url: string; fields: Record<string, string> };
  expiresAt: string;
}

/** POST /api/storage/uploads/{id}/complete and GET /api/storage/files/{id} */
export interface FileResponse {
  file: FileView;
}

/** GET /api/storage/files/{id}/url */
export interface SignedLinkResponse {
  url: string;
  expiresAt: string;
}

/** POST /api/exports/{kind} when the workspace has storage (a JSON answer, 201). */
export interface StoredExportResponse {
  stored: true;
  file: FileView;
  url: string;
  expiresAt: string;
}
