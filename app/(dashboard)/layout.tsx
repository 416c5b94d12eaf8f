import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";

import { Providers } from "@/app/providers";
import { toCurrentUser } from "@/components/shell/current-user";
import { MobileNav, Sidebar } from "@/components/shell/sidebar";
import { authOptions } from "@/lib/auth/options";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const session = await getServerSession(authOptions);
  const user = toCurrentUser(session?.user);
  // proxy.ts normally redirects first (with a callbackUrl); this covers a session that ended since.
  if (!session || !user) redirect("/login");

  return (
    <Providers session={session}>
      <a
        href="#main"
        className="sr-only rounded-md bg-background px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:ring-[3px] focus:ring-ring/50"
      >
        Skip to content
      </a>
      <div className="flex min-h-screen bg-muted/30">
        <Sidebar user={user} />
        <div className="flex min-w-0 flex-1 flex-col">
          <MobileNav user={user} />
          <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 outline-none sm:px-6 lg:px-8">
            {children}
          </main>
        </div>
      </div>
    </Providers>
  );
}
