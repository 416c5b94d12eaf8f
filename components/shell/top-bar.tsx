"use client";

import * as React from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { LogOutIcon, PlugZapIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { CurrentUser } from "@/components/shell/current-user";
import { cn } from "@/lib/utils";

const NAV = [
  { href: "/integrations", label: "Integrations" },
  { href: "/health", label: "Health" },
  { href: "/activity", label: "Activity" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/leads", label: "Leads" },
  { href: "/webinars", label: "Webinars" },
  { href: "/email", label: "Email" },
  { href: "/events", label: "Inbound" },
  { href: "/calendar", label: "Calendar" },
];

export function TopBar({ user }: { user: CurrentUser }) {
  const pathname = usePathname();
  const [signingOut, setSigningOut] = React.useState(false);

  return (
    <header
      data-testid="top-bar"
      className="sticky top-0 z-40 border-b bg-background/90 backdrop-blur supports-[backdrop-filter]:bg-background/75"
    >
      <div className="mx-auto flex h-14 max-w-7xl items-center gap-2 px-4 sm:gap-4 sm:px-6 lg:px-8">
        <Link href="/integrations" className="flex items-center gap-2 font-semibold tracking-tight">
          <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
            <PlugZapIcon className="size-4" aria-hidden="true" />
          </span>
          <span className="max-[420px]:sr-only">Plugboard</span>
        </Link>
        {user.workspaceName && (
          <span className="hidden truncate text-sm text-muted-foreground lg:inline" title="Workspace">
            {user.workspaceName}
          </span>
        )}

        <nav aria-label="Main" className="flex items-center gap-1">
          {NAV.map((item) => {
            const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "rounded-md px-3 py-1.5 text-sm font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-foreground",
                  active && "bg-accent text-foreground",
                )}
              >
                {item.label}
              </Link>
            );
          })}
        </nav>

        <div className="ml-auto flex min-w-0 items-center gap-3">
          <div className="flex min-w-0 items-center gap-2" data-testid="current-user">
            <span className="hidden max-w-[16rem] truncate text-sm sm:inline" title={user.email}>
              {user.email}
            </span>
            <Badge
              variant={user.role === "admin" ? "secondary" : "outline"}
              data-testid="current-user-role"
              title={user.role === "admin" ? "Can connect and change integrations" : "Read-only access"}
            >
              {user.role === "admin" ? "Admin" : "Viewer"}
            </Badge>
          </div>
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
            <span className="sr-only sm:not-sr-only">Sign out</span>
          </Button>
        </div>
      </div>
    </header>
  );
}
