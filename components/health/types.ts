// Health API answers as the browser sees them, derived from the server types (type imports only,
// so no server module reaches the client bundle).
import type { Jsonify } from "@/components/api/types";
import type { HealthHistory as ServerHealthHistory, HourPoint as ServerHourPoint } from "@/lib/health/history";
import type { HealthOverview as ServerHealthOverview, IntegrationHealth as ServerIntegrationHealth, RateLimitView as ServerRateLimitView } from "@/lib/health/overview";

/** GET /api/health/integrations */
export type HealthOverview = Jsonify<ServerHealthOverview>;
export type IntegrationHealth = Jsonify<ServerIntegrationHealth>;
export type RateLimitView = Jsonify<ServerRateLimitView>;
export type HealthStatus = IntegrationHealth["status"];

/** GET /api/health/integrations/history */
export type HealthHistory = Jsonify<ServerHealthHistory>;
export type HourPoint = Jsonify<ServerHourPoint>;
