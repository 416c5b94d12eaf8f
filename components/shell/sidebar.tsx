"use client";

// The dashboard's navigation: a sidebar from the lg breakpoint up; below it, a header whose menu
// button opens the same navigation as a sheet from the left. The links come from nav.ts.
import * as React from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { LogOutIcon, MenuIcon, PlugZapIcon } from "lucide-react";

import type { CurrentUser } from "@/components/shell/current-user";
import { isActiveHref, visibleNavGroups } from "@/components/shell/nav";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { cn } from "@/lib/utils";

/** The navigation groups; `onNavigate` runs when a link is followed (the sheet closes). */
function NavLinks({ pathname, onNavigate }: { pathname: string; onNavigate?: () => void }) {
  const baseId = React.useId();
  return (
    <nav aria-label="Main" className="grid gap-5 px-3 py-4">
      {visibleNavGroups().map((group) => {
        const headingId = `${baseId}-${group.label}`;
        return (
          <div key={group.label} role="group" aria-labelledby={headingId} className="grid gap-1">
            <p id={headingId} className="px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">
              {group.label}
            </p>
            <ul className="grid gap-0.5">
              {group.items.map((item) => {
                const active = isActiveHref(pathname, item.href);
                const Icon = item.icon;
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      onClick={onNavigate}
                      className={cn(
                        "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground outline-none transition-colors hover:bg-accent hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50",
                        active && "bg-accent text-foreground",
                      )}
                    >
                      <Icon aria-hidden="true" className="size-4 shrink-0" />
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}

/** The logo, and the workspace's name in full (it wraps; long names are the point). */
function Brand({ workspaceName, onNavigate }: { workspaceName: string | null; onNavigate?: () => void }) {
  return (
    <div className="flex min-w-0 items-start gap-2">
      <Link
        href="/integrations"
        onClick={onNavigate}
        className="flex shrink-0 items-center rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
        aria-label="Plugboard home"
      >
        <span className="flex size-8 items-center justify-center rounded-md bg-primary text-primary-foreground">
          <PlugZapIcon className="size-4" aria-hidden="true" />
        </span>
      </Link>
      <div className="grid min-w-0 gap-0.5">
        <span className="text-sm leading-tight font-semibold tracking-tight">Plugboard</span>
        {workspaceName && (
          <span className="text-xs leading-snug [overflow-wrap:anywhere] text-muted-foreground" data-testid="workspace-name">
            <span className="sr-only">Workspace: </span>
            {workspaceName}
          </span>
        )}
      </div>
    </div>
  );
}

/** Who is signed in, their role, and Sign out. */
function UserPanel({ user }: { user: CurrentUser }) {
  const [signingOut, setSigningOut] = React.useState(false);
  return (
    <div className="grid gap-2 border-t px-4 py-3" data-testid="current-user">
      <span className="text-sm [overflow-wrap:anywhere]">{user.email}</span>
      <div className="flex items-center justify-between gap-2">
        <Badge
          variant={user.role === "admin" ? "secondary" : "outline"}
          data-testid="current-user-role"
          title={user.role === "admin" ? "Can connect and change integrations" : "Read-only access"}
        >
          {user.role === "admin" ? "Admin" : "Viewer"}
        </Badge>
        <Button
          variant="ghost"
          size="sm"
          disabled={signingOut}
          onClick={() => {
            setSigningOut(true);
            void signOut({ callbackUrl: "/login" });
          }}
        >
          <LogOutIcon aria-hidden="true" />
          Sign out
        </Button>
      </div>
    </div>
  );
}

/** The sidebar on wide windows (hidden below lg, where MobileNav takes over). */
export function Sidebar({ user }: { user: CurrentUser }) {
  const pathname = usePathname();
  return (
    <aside data-testid="sidebar" className="sticky top-0 hidden h-screen w-64 shrink-0 flex-col border-r bg-background lg:flex">
      <div className="border-b px-4 py-4">
        <Brand workspaceName={user.workspaceName} />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <NavLinks pathname={pathname} />
      </div>
      <UserPanel user={user} />
    </aside>
  );
}

/** Below lg: a header with the menu button; the navigation opens as a sheet from the left. */
export function MobileNav({ user }: { user: CurrentUser }) {
  const pathname = usePathname();
  // The page the sheet was opened on: once the route changes (a link, or Back), it reads as closed.
  const [openOn, setOpenOn] = React.useState<string | null>(null);
  // Forget a sheet left open on another page, or Forward back to it would open it again.
  if (openOn !== null && openOn !== pathname) setOpenOn(null);
  const open = openOn === pathname;
  const navRef = React.useRef<HTMLDivElement>(null);

  return (
    <header data-testid="mobile-header" className="sticky top-0 z-40 border-b bg-background/90 backdrop-blur supports-[backdrop-filter]:bg-background/75 lg:hidden">
      <div className="flex items-start gap-3 px-4 py-3 sm:px-6">
        <Sheet open={open} onOpenChange={(next) => setOpenOn(next ? pathname : null)}>
          <SheetTrigger asChild>
            <Button variant="outline" size="icon" className="size-8">
              <MenuIcon aria-hidden="true" />
              <span className="sr-only">Menu</span>
            </Button>
          </SheetTrigger>
          <SheetContent
            side="left"
            closeLabel="Close menu"
            className="w-72 max-w-[85vw] gap-0 p-0"
            data-testid="mobile-nav"
            // Start on the current page's link, where the reader already is, rather than on the logo.
            onOpenAutoFocus={(event) => {
              const target = navRef.current?.querySelector<HTMLElement>('[aria-current="page"]') ?? navRef.current?.querySelector<HTMLElement>("a");
              if (!target) return;
              event.preventDefault();
              target.focus();
            }}
          >
            <SheetTitle className="sr-only">Navigation</SheetTitle>
            <SheetDescription className="sr-only">Pages of this workspace, and your account.</SheetDescription>
            <div className="border-b py-4 pr-12 pl-4">
              <Brand workspaceName={user.workspaceName} onNavigate={() => setOpenOn(null)} />
            </div>
            <div ref={navRef} className="min-h-0 flex-1 overflow-y-auto">
              <NavLinks pathname={pathname} onNavigate={() => setOpenOn(null)} />
            </div>
            <UserPanel user={user} />
          </SheetContent>
        </Sheet>
        <Brand workspaceName={user.workspaceName} />
      </div>
    </header>
  );
}
