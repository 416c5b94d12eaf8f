// Odoo's external API through the `xmlrpc` package: `<url>/xmlrpc/2/common` (version,
// authenticate) and `<url>/xmlrpc/2/object` (execute_kw). One client per call so the abort
// signal of the pipeline's attempt travels with the HTTP request.
//
// Wire details that matter: faults arrive as an Error carrying faultCode/faultString (Odoo's
// /xmlrpc/2/ routes use 1 = application error, 2 = user/validation error, 3 = access denied,
// 4 = access rights); `authenticate` answers `false`, not a fault, for a wrong login; empty fields
// read back as `false`; datetimes travel as 'YYYY-MM-DD HH:MM:SS' strings in UTC (a JS Date would
// go out without a time zone).
import xmlrpc from "xmlrpc";
import { ODOO_DEFAULT_TIMEOUT_SECONDS, ODOO_LEAD_DEFAULTS } from "@/lib/integrations/odoo/manifest";
import type { AdapterContext, ApiKeyAdapter, TestOutcome } from "@/lib/integrations/kit/manifest";
import { crmId, crmString, toCrmDatetime } from "@/lib/integrations/kit/ports/crm";
import { categoryForStatus, classifyError as classifyGeneric, ProviderError, type ErrorCategory } from "@/lib/integrations/kit/errors";

export interface OdooSettings {
  /** Base address without a trailing slash, e.g. https://acme.odoo.com (a path prefix is kept). */
  url: string;
  database: string;
  username: string;
  apiKey: string;
  timeoutMs: number;
  lead: { source: string; medium: string; tag: string };
}

/** The connection's stored fields as typed settings (defaults filled in). */
export function odooSettings(fields: Record<string, string | undefined>): OdooSettings {
  const seconds = Number(fields.timeout);
  return {
    url: (fields.url ?? "").replace(/\/+$/, ""),
    database: fields.database ?? "",
    username: fields.username ?? "",
    apiKey: fields.apiKey ?? "",
    timeoutMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : ODOO_DEFAULT_TIMEOUT_SECONDS) * 1000,
    lead: {
      source: fields.leadSource || ODOO_LEAD_DEFAULTS.leadSource,
      medium: fields.leadMedium || ODOO_LEAD_DEFAULTS.leadMedium,
      tag: fields.leadTag || ODOO_LEAD_DEFAULTS.leadTag,
    },
  };
}

export type OdooDomain = (string | [string, string, unknown])[];
export type OdooValues = Record<string, unknown>;
export type OdooRecord = Record<string, unknown> & { id: number };

export interface OdooVersion {
  server_version: string;
  server_serie?: string;
  protocol_version?: number;
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC, the format Odoo's Datetime fields take and give. */
export const toOdooDatetime = toCrmDatetime;

export function fromOdooDatetime(value: unknown): Date | null {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  return new Date(`${value.replace(" ", "T")}Z`);
}

/** Odoo reads an empty field as `false`; many2one fields as `[id, "name"]`. */
export const odooString = crmString;
export const odooId = crmId;

/** One XML-RPC method call. */
function methodCall(baseUrl: string, service: "common" | "object", method: string, params: unknown[], signal?: AbortSignal): Promise<unknown> {
  const target = new URL(`xmlrpc/2/${service}`, `${baseUrl}/`);
  const secure = target.protocol === "https:";
  // Everything in these options is handed to http(s).request, which honours `signal`.
  const options = {
    host: target.hostname,
    port: Number(target.port) || (secure ? 443 : 80),
    path: target.pathname,
    signal,
  } as Parameters<typeof xmlrpc.createClient>[0];
  const client = secure ? xmlrpc.createSecureClient(options) : xmlrpc.createClient(options);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    client.methodCall(method, params, (error, value) => (error ? reject(error) : resolve(value)));
  });
}

/** Odoo's common service: no login needed. */
export async function odooVersion(settings: OdooSettings, signal?: AbortSignal): Promise<OdooVersion> {
  const answer = await methodCall(settings.url, "common", "version", [], signal);
  const version = answer as Partial<OdooVersion> | null;
  if (!version || typeof version !== "object" || typeof version.server_version !== "string") {
    throw new ProviderError(`${settings.url} answered XML-RPC but not like Odoo (no server version)`, { category: "permanent", providerCode: "not_odoo" });
  }
  return version as OdooVersion;
}

/** The user id for the login and API key; a refusal is an auth error that names what to check. */
export async function odooAuthenticate(settings: OdooSettings, signal?: AbortSignal): Promise<number> {
  const uid = await methodCall(settings.url, "common", "authenticate", [settings.database, settings.username, settings.apiKey, {}], signal);
  if (typeof uid !== "number" || uid <= 0) {
    throw new ProviderError(`Odoo refused the login "${settings.username}" with this API key on database "${settings.database}"`, {
      category: "auth",
      providerCode: "authentication_failed",
    });
  }
  return uid;
}

/** A logged-in view of one Odoo database: execute_kw and the ORM methods Plugboard uses. */
export class OdooModels {
  constructor(
    private readonly settings: OdooSettings,
    readonly uid: number,
    private readonly signal?: AbortSignal,
  ) {}

  execute<T>(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<T> {
    const { database, apiKey, url } = this.settings;
    return methodCall(url, "object", "execute_kw", [database, this.uid, apiKey, model, method, args, kwargs], this.signal) as Promise<T>;
  }

  search(model: string, domain: OdooDomain, options: { limit?: number; order?: string } = {}): Promise<number[]> {
    return this.execute(model, "search", [domain], options);
  }

  searchRead(model: string, domain: OdooDomain, fields: string[], options: { limit?: number; order?: string } = {}): Promise<OdooRecord[]> {
    return this.execute(model, "search_read", [domain], { fields, ...options });
  }

  read(model: string, ids: number[], fields: string[]): Promise<OdooRecord[]> {
    return this.execute(model, "read", [ids], { fields });
  }

  async create(model: string, values: OdooValues): Promise<number> {
    const id = await this.execute<unknown>(model, "create", [values]);
    const created = odooId(Array.isArray(id) ? id[0] : id);
    if (created === null) throw new ProviderError(`Odoo did not return the id of the new ${model} record`, { category: "permanent" });
    return created;
  }

  write(model: string, ids: number[], values: OdooValues): Promise<boolean> {
    return this.execute(model, "write", [ids, values]);
  }
}

/**
 * The connection test: the server version (is this Odoo at all?), then authenticate (are the login
 * and key right?), then read the user's name (does the key work for the object API?).
 */
export async function testOdooConnection(fields: Record<string, string>, ctx: AdapterContext): Promise<TestOutcome> {
  const settings = odooSettings(fields);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.min(settings.timeoutMs, ctx.timeoutMs))]);
  const version = await odooVersion(settings, signal);
  const uid = await odooAuthenticate(settings, signal);
  const [user] = await new OdooModels(settings, uid, signal).read("res.users", [uid], ["name", "login"]);
  const name = odooString(user?.name) ?? settings.username;
  return { accountLabel: `${name} · Odoo ${version.server_version} · ${settings.database}`, accountId: `${settings.url}/${settings.database}#${uid}` };
}

interface XmlRpcFault {
  faultCode: unknown;
  faultString?: unknown;
}

function isFault(error: unknown): error is Error & XmlRpcFault {
  return error instanceof Error && "faultCode" in error;
}

/** The sentence that matters in a fault string (Odoo sends whole Python tracebacks for code 1). */
export function faultSummary(faultString: string): string {
  const lines = faultString
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.at(-1) ?? "";
  return last.replace(/^(?:odoo\.exceptions\.|builtins\.)?([A-Za-z_.]+(?:Error|Exception|Denied|Warning)):\s*/, "$1: ").slice(0, 300) || "unknown error";
}

const TRANSIENT_FAULT =
  /OperationalError: (?!FATAL: +database)|could not serialize access|concurrent update|deadlock detected|TransactionRollbackError|PoolError|Too many requests/i;

function faultCategory(code: unknown, text: string): ErrorCategory {
  // Odoo's /xmlrpc/ (version 1) route sends string codes such as "warning -- ...": classify by text.
  if (code === 3 || /AccessDenied|Access Denied/.test(text)) return "auth";
  if (code === 4 || /AccessError/.test(text)) return "auth";
  if (TRANSIENT_FAULT.test(text)) return "transient";
  if (code === 2 || /UserError|ValidationError|MissingError|ValueError|Invalid field|IntegrityError|violates/.test(text)) return "validation";
  return "permanent";
}

function faultMessage(code: unknown, category: ErrorCategory, summary: string, text: string): string {
  if (/database "[^"]+" does not exist/.test(text)) return `Odoo has no such database: ${summary}`;
  if (category === "auth" && (code === 4 || /AccessError/.test(text))) return `The Odoo user lacks access rights for this: ${summary}`;
  if (category === "auth") return `Odoo denied access (check the login and API key): ${summary}`;
  if (category === "transient") return `Odoo is busy, try again: ${summary}`;
  if (category === "validation") return `Odoo rejected the data: ${summary}`;
  if (/KeyError: '([\w.]+)'/.test(text)) return `Odoo does not know the model ${/KeyError: '([\w.]+)'/.exec(text)![1]} (is the app installed?)`;
  return `Odoo error: ${summary}`;
}

/** Odoo faults, HTTP answers that are not XML-RPC, and network failures, as pipeline categories. */
export function classifyOdooError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isFault(error)) {
    const text = typeof error.faultString === "string" ? error.faultString : String(error.faultCode);
    const category = faultCategory(error.faultCode, text);
    return new ProviderError(faultMessage(error.faultCode, category, faultSummary(text), text), {
      category,
      providerCode: `fault_${String(error.faultCode).slice(0, 20)}`,
      cause: error,
    });
  }
  // The xmlrpc client attaches the HTTP response (non-enumerable) when it got one.
  const status = (error as { res?: { statusCode?: number } } | null)?.res?.statusCode;
  if (typeof status === "number" && status !== 200) {
    const category = status === 404 ? "permanent" : categoryForStatus(status);
    const message =
      status === 404
        ? "No Odoo XML-RPC endpoint at this address (HTTP 404 for /xmlrpc/2/): check the Odoo address"
        : category === "rate_limit"
          ? `Odoo is rate limiting requests (HTTP ${status})`
          : `Odoo answered HTTP ${status}`;
    return new ProviderError(message, { category, statusCode: status, cause: error });
  }
  if (typeof status === "number") {
    // HTTP 200 that does not parse as XML-RPC: a web page, a login wall, a proxy.
    return new ProviderError("The address answered, but not with Odoo XML-RPC: check the Odoo address", { category: "permanent", providerCode: "not_xmlrpc", cause: error });
  }
  const generic = classifyGeneric(error);
  if (generic.category === "transient")
    return new ProviderError(`Could not reach Odoo: ${generic.message}`, { category: "transient", providerCode: generic.providerCode, cause: error });
  return generic;
}

export const odooAdapter: ApiKeyAdapter = {
  testConnection: testOdooConnection,
  classifyError: classifyOdooError,
};
