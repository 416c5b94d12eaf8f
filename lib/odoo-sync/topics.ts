// Webinar topics from Odoo: the products (product.template) of the category "Webinars" (and its
// subcategories) become WebinarTopic rows — new ones created, changed ones updated.
import { getDb } from "@/lib/db/client";
import { crmId, crmString, type CrmRecord } from "@/lib/integrations/kit/ports/crm";
import { CrmConnection } from "@/lib/odoo-sync/connection";
import type { OdooSyncOptions } from "@/lib/odoo-sync/events";
import { recordOutcome, withSyncRun, type SyncReport } from "@/lib/odoo-sync/runs";

export const WEBINAR_PRODUCT_CATEGORY = "Webinars";

export interface TopicFields {
  title: string;
  description: string | null;
  defaultPriceMinor: number | null;
  currency: string;
}

/** A product as a topic: the sales description, the list price in minor units, the currency code. */
export function topicFromProduct(product: CrmRecord): TopicFields {
  const price = typeof product.list_price === "number" ? Math.round(product.list_price * 100) : null;
  const currency = Array.isArray(product.currency_id) && typeof product.currency_id[1] === "string" ? product.currency_id[1].toLowerCase() : "eur";
  return { title: crmString(product.name) ?? `Product ${product.id}`, description: crmString(product.description_sale), defaultPriceMinor: price, currency };
}

/** Imports the Webinars products; answers the run's report (counts: created, updated, unchanged). */
export async function importWebinarTopics(workspaceId: string, options: OdooSyncOptions): Promise<SyncReport> {
  const db = await getDb();
  const now = options.now ?? (() => new Date());
  const odoo = await CrmConnection.open(workspaceId, options.actor, options.callOptions);
  return withSyncRun(db, { workspaceId, connection: odoo.identity, kind: "topics", trigger: options.trigger, actor: options.actor, now }, async (run, end) => {
    const products = await odoo.call("product.template.search_read", async (models) => {
      const categories = await models.search("product.category", [["name", "=", WEBINAR_PRODUCT_CATEGORY]]);
      if (categories.length === 0) return null;
      return models.searchRead("product.template", [["categ_id", "child_of", categories]], ["name", "description_sale", "list_price", "currency_id"]);
    });
    if (!products.ok) return end("failed", `Could not read the webinar products from Odoo: ${products.message}`);
    if (products.value === null) return end("completed", `Odoo has no product category named “${WEBINAR_PRODUCT_CATEGORY}”: nothing to import`);

    await run.setTotal(products.value.length);
    const ids = products.value.map((p) => p.id);
    const existing = new Map((await db.webinarTopic.findMany({ where: { workspaceId, odooProductId: { in: ids } } })).map((t) => [t.odooProductId!, t]));
    for (const product of products.value) {
      const productId = crmId(product.id)!;
      const fields = topicFromProduct(product);
      const known = existing.get(productId);
      if (!known) {
        await db.webinarTopic.create({ data: { workspaceId, odooProductId: productId, odooSyncedAt: now(), ...fields } });
        run.count("created");
      } else if (
        known.title !== fields.title ||
        known.description !== fields.description ||
        known.defaultPriceMinor !== fields.defaultPriceMinor ||
        known.currency !== fields.currency
      ) {
        await db.webinarTopic.update({ where: { id: known.id }, data: { ...fields, odooSyncedAt: now() } });
        run.count("updated");
      } else {
        run.count("unchanged");
      }
      const stop = await recordOutcome(run, { ok: true }, { id: String(productId), label: fields.title });
      if (stop) return end("failed", stop);
    }
    return end("completed", null);
  });
}
