import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { setupIsOpen } from "@/lib/auth/setup";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const db = await getDb();
  if (!(await setupIsOpen(db))) redirect("/login");
  const { token } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-6">
      <SetupForm initialToken={token ?? ""} />
    </main>
  );
}
