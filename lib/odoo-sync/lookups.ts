// Odoo records Plugboard refers to by name (lead source, medium and tag, the event tag): looked up
// by name, created when missing, and the id cached on the connection so later runs skip the
// look-up. The cache is scoped to the Odoo address and database: pointing the connection at
// another Odoo starts afresh.
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CrmModels, CrmValues } from "@/lib/integrations/kit/ports/crm";
import type { CrmConnection } from "@/lib/odoo-sync/connection";
import type { CallResult } from "@/lib/pipeline";

interface LookupCache {
  scope: string;
  ids: Record<string, number>;
}

const SETTINGS_KEY = "odooLookups";

function settingsObject(value: Prisma.JsonValue | undefined): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export class OdooLookups {
  private constructor(
    private readonly db: Db,
    private readonly odoo: CrmConnection,
    private cache: LookupCache,
  ) {}

  static async load(db: Db, odoo: CrmConnection): Promise<OdooLookups> {
    const scope = odoo.settings.scope;
    const row = await db.connection.findUnique({ where: { id: odoo.connectionId }, select: { settings: true } });
    const stored = settingsObject(row?.settings)[SETTINGS_KEY] as LookupCache | undefined;
    const ids = stored && stored.scope === scope && stored.ids && typeof stored.ids === "object" ? { ...stored.ids } : {};
    return new OdooLookups(db, odoo, { scope, ids });
  }

  /**
   * The id of the `model` record named `name`: from the cache, else searched, else created with
   * `createValues` (which may itself look things up, e.g. a tag's category).
   */
  async resolve(model: string, name: string, createValues: (models: CrmModels) => Promise<CrmValues> = async () => ({})): Promise<CallResult<number>> {
    const key = `${model}:${name}`;
    const cached = this.cache.ids[key];
    if (cached !== undefined) return { ok: true, value: cached, durationMs: 0, attempts: 0 };
    const result = await this.odoo.call(`${model}.lookup`, async (models) => {
      const [found] = await models.search(model, [["name", "=", name]], { limit: 1 });
      if (found !== undefined) return found;
      return models.create(model, { name, ...(await createValues(models)) });
    });
    if (result.ok) {
      this.cache.ids[key] = result.value;
      await this.save();
    }
    return result;
  }

  /** Drops every cached id (after Odoo said a referenced record no longer exists). */
  async forget(): Promise<void> {
    this.cache.ids = {};
    await this.save();
  }

  private async save(): Promise<void> {
    // Read-modify-write of one key of the settings JSON; the other keys (the form's fields) stay.
    await this.db.$transaction(async (tx) => {
      const row = await tx.connection.findUnique({ where: { id: this.odoo.connectionId }, select: { settings: true } });
      if (!row) return;
      const settings = { ...settingsObject(row.settings), [SETTINGS_KEY]: this.cache };
      await tx.connection.update({ where: { id: this.odoo.connectionId }, data: { settings: settings as unknown as Prisma.InputJsonValue } });
    });
  }
}

/** Odoo's answer when a cached id points at a record that was deleted there. */
export function isMissingReference(message: string): boolean {
  return /does not exist or has been deleted|ForeignKeyViolation|foreign key constraint/i.test(message);
}
