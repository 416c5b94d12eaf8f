"use client";

import * as React from "react";
import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

import { ApiRequestError } from "@/components/api/client";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: true,
        // 4xx answers (signed out, read-only, not found, bad filter) will not change on a retry.
        retry: (failureCount, error) => !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * Client-side providers: the next-auth session (pass the server's session so the first render
 * already knows the user and role) and react-query.
 */
export function Providers({ children, session }: { children: React.ReactNode; session?: Session | null }) {
  const [queryClient] = React.useState(makeQueryClient);
  return (
    <SessionProvider session={session} refetchOnWindowFocus>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SessionProvider>
  );
}

export default Providers;
