import type { Metadata } from "next";

import { EmailView } from "@/components/email/email-view";

export const metadata: Metadata = { title: "Email · Plugboard" };

export default function EmailPage() {
  return <EmailView />;
}
