import type { Metadata } from "next";

import { EndpointDetailView } from "@/components/webhooks/endpoint-detail";

export const metadata: Metadata = { title: "Webhook endpoint · Plugboard" };

export default async function WebhookEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EndpointDetailView id={id} />;
}
