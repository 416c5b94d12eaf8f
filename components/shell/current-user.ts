// Shared by the server layout and client components (no "use client": the layout calls it).

export type Role = "admin" | "viewer";

export interface CurrentUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  workspaceName: string | null;
}

/** Reads the fields Plugboard adds to the next-auth session user, whatever the Session type says. */
export function toCurrentUser(user: unknown): CurrentUser | null {
  if (!user || typeof user !== "object") return null;
  const u = user as Record<string, unknown>;
  if (typeof u.email !== "string") return null;
  return {
    id: typeof u.id === "string" ? u.id : "",
    email: u.email,
    name: typeof u.name === "string" ? u.name : null,
    role: u.role === "admin" ? "admin" : "viewer",
    workspaceName: typeof u.workspaceName === "string" ? u.workspaceName : null,
  };
}
