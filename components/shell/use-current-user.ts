"use client";

import { useSession } from "next-auth/react";

import { toCurrentUser, type CurrentUser } from "@/components/shell/current-user";

export type { CurrentUser, Role } from "@/components/shell/current-user";

/**
 * The signed-in user. Until the session is known the role reads as "viewer", so buttons that
 * change something never flash up for someone who may not use them.
 */
export function useCurrentUser(): { user: CurrentUser | null; canEdit: boolean } {
  const { data } = useSession();
  const user = toCurrentUser(data?.user);
  return { user, canEdit: user?.role === "admin" };
}
