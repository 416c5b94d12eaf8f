// Creating users outside the first-run setup (the admin:create CLI).
import type { Db } from "@/lib/db/client";
import { hashPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { recordAudit } from "@/lib/audit";

export interface CreateUserInput {
  email: string;
  password: string;
  role: "admin" | "viewer";
  workspaceName?: string;
  name?: string;
}

export async function createUserWithWorkspace(db: Db, input: CreateUserInput, actor = "cli") {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`"${input.email}" is not a valid email address`);
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new Error(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (await db.user.findUnique({ where: { email } })) throw new Error(`A user with email ${email} already exists`);
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    // Join the named workspace if it exists; otherwise the only workspace; otherwise a new one.
    let workspace = input.workspaceName
      ? await tx.workspace.findFirst({ where: { name: input.workspaceName }, orderBy: { createdAt: "asc" } })
      : await tx.workspace.findFirst({ orderBy: { createdAt: "asc" } });
    workspace ??= await tx.workspace.create({ data: { name: input.workspaceName ?? "My workspace" } });
    const user = await tx.user.create({ data: { email, name: input.name ?? null, passwordHash, role: input.role, workspaceId: workspace.id } });
    await recordAudit(tx, { workspaceId: workspace.id, actor, action: "user.create", target: user.id, details: { email, role: input.role } });
    return { user, workspace };
  });
}
