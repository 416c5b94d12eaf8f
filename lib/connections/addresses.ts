// Addresses an admin types into a connection form (the Odoo URL, the SMTP server) obey the same
// rules as outgoing-webhook URLs: a public host, https for URLs, unless the deployment allows the
// network or host (WEBHOOK_ALLOW_PRIVATE_NETWORKS, WEBHOOK_ALLOW_HTTP_HOSTS). Checked before any
// connection test or save, so a form cannot be used to probe loopback, the private network or a
// cloud metadata service. Manifests mark such fields with `address`.
import net from "node:net";
import { badRequest } from "@/lib/http/api";
import { checkEndpointUrl, configuredUrlPolicy, resolveAllowedAddresses, systemResolver, UrlRefusedError, type Resolver, type UrlPolicy } from "@/lib/http/url-rules";
import type { AuthField } from "@/lib/integrations/kit/manifest";

export interface AddressCheckOptions {
  policy?: UrlPolicy;
  resolver?: Resolver;
}

/** 400 naming the first field whose address the rules refuse; nothing is sent before it passes. */
export async function checkAddressFields(fields: readonly AuthField[], values: Record<string, string>, options: AddressCheckOptions = {}): Promise<void> {
  const policy = options.policy ?? configuredUrlPolicy();
  const resolver = options.resolver ?? systemResolver;
  for (const field of fields) {
    const value = values[field.name];
    if (!field.address || !value) continue;
    try {
      if (field.address === "url") {
        await checkEndpointUrl(value, policy, resolver);
      } else {
        // A bare host (name or IP literal): judged by the addresses it resolves to.
        const host = value.trim().replace(/^\[|\]$/g, "");
        await resolveAllowedAddresses(new URL(`https://${net.isIPv6(host) ? `[${host}]` : host}`), policy, resolver);
      }
    } catch (error) {
      if (error instanceof UrlRefusedError || error instanceof TypeError) {
        const message = error instanceof UrlRefusedError ? error.message : "Not a valid host name";
        throw badRequest(`${field.label}: ${message}`, { [`fields.${field.name}`]: message });
      }
      throw error;
    }
  }
}
