import type { Metadata } from "next";

import { WebinarsView } from "@/components/webinars/webinars-view";

export const metadata: Metadata = { title: "Webinars · Plugboard" };

export default function WebinarsPage() {
  return <WebinarsView />;
}
