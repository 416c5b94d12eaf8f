import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";

import { Providers } from "@/app/providers";
import { TopBar } from "@/components/shell/top-bar";
import { toCurrentUser } from "@/components/shell/current-user";
import { authOptions } from "@/lib/auth/options";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  const user = toCurrentUser(session?.user);
  // proxy.ts normally redirects first (with a callbackUrl); this covers a session that ended since.
  if (!session || !user) redirect("/login");

  return (
    <Providers session={session}>
      <div className="flex min-h-screen flex-col bg-muted/30">
        <TopBar user={user} />
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 sm:px-6 lg:px-8">{children}</main>
      </div>
    </Providers>
  );
}
