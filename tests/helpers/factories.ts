// Small builders for test data.
import crypto from "node:crypto";
import type { Db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";

export async function createWorkspace(db: Db, name = "Test Workspace") {
  return db.workspace.create({ data: { name } });
}

export async function createUser(db: Db, options: { workspaceId: string; email?: string; password?: string; role?: "admin" | "viewer" }) {
  const email = options.email ?? `user-${crypto.randomBytes(4).toString("hex")}@example.test`;
  return db.user.create({
    data: {
      workspaceId: options.workspaceId,
      email,
      passwordHash: await hashPassword(options.password ?? "correct horse battery staple"),
      role: options.role ?? "admin",
    },
  });
}
