import type { Metadata } from "next";

import { IntegrationsDashboard } from "@/components/integrations/integrations-dashboard";

export const metadata: Metadata = { title: "Integrations · Plugboard" };

export default function IntegrationsPage() {
  return <IntegrationsDashboard />;
}
