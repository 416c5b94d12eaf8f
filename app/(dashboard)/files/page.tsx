import type { Metadata } from "next";
import { Suspense } from "react";

import { FilesView } from "@/components/files/files-view";
import { ListPageFallback } from "@/components/list/list-page";

export const metadata: Metadata = { title: "Files · Plugboard" };

export default function FilesPage() {
  return (
    <Suspense fallback={<ListPageFallback />}>
      <FilesView />
    </Suspense>
  );
}
