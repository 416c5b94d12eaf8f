// The crm slot: Odoo's models over XML-RPC (authenticate on `common`, execute_kw on `object`).
import type { CrmPort } from "@/lib/integrations/kit/ports/crm";
import { classifyOdooError, odooAuthenticate, OdooModels, odooSettings } from "@/lib/integrations/odoo/client";

export const crm: CrmPort = {
  settings(fields) {
    const settings = odooSettings(fields);
    return { timeoutMs: settings.timeoutMs, scope: `${settings.url}|${settings.database}`, lead: settings.lead };
  },
  login: (fields, signal) => odooAuthenticate(odooSettings(fields), signal),
  models: (fields, uid, signal) => new OdooModels(odooSettings(fields), uid, signal),
  classify: classifyOdooError,
};
