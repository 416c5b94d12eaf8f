// The crm port: a record store reached with the connection's credentials (Odoo's models over
// XML-RPC today), as a CRM provider implements it (its manifest's `crm` slot).
import type { ProviderError } from "@/lib/integrations/kit/errors";

export type CrmDomain = (string | [string, string, unknown])[];
export type CrmValues = Record<string, unknown>;
export type CrmRecord = Record<string, unknown> & { id: number };

/** Model operations of one signed-in session; every call honours the session's signal. */
export interface CrmModels {
  search(model: string, domain: CrmDomain, options?: { limit?: number; order?: string }): Promise<number[]>;
  searchRead(model: string, domain: CrmDomain, fields: string[], options?: { limit?: number; order?: string }): Promise<CrmRecord[]>;
  read(model: string, ids: number[], fields: string[]): Promise<CrmRecord[]>;
  create(model: string, values: CrmValues): Promise<number>;
  write(model: string, ids: number[], values: CrmValues): Promise<boolean>;
}

/** A datetime as the CRM's API takes it: "YYYY-MM-DD HH:MM:SS" in UTC (XML-RPC dates carry no zone). */
export function toCrmDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** Reads an empty field (`false`) as null. */
export function crmString(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** A record id, also from a many-to-one value `[id, "name"]`. */
export function crmId(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (Array.isArray(value) && typeof value[0] === "number") return value[0];
  return null;
}

export interface CrmSettings {
  /** Per-attempt timeout the connection asks for. */
  timeoutMs: number;
  /** Which database this is ("<url>|<database>"): caches of record ids are kept per scope. */
  scope: string;
  /** Where exported leads are filed (source, medium and tag names). */
  lead: { source: string; medium: string; tag: string };
}

export interface CrmPort {
  settings(fields: Record<string, string>): CrmSettings;
  /** Signs in and answers the session's user id. */
  login(fields: Record<string, string>, signal: AbortSignal): Promise<number>;
  models(fields: Record<string, string>, uid: number, signal: AbortSignal): CrmModels;
  classify(error: unknown): ProviderError;
}
