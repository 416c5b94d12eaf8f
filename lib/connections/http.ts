// Request bodies of the integration routes, shared so the routes stay thin.
import { z } from "zod";

const FIELDS_HINT = 'Send the credentials as { "fields": { "<name>": "<value>", … } }';

/** POST /api/integrations/[id]/connect and PATCH /api/integrations/[id]. Field values are checked per provider. */
export const fieldsBodySchema = z.strictObject({
  fields: z.record(z.string(), z.unknown(), { error: FIELDS_HINT }),
});

/** A connection id in a path (cuid-like); anything else is a 400, never a database error. */
export const connectionIdSchema = z.string().regex(/^[a-z0-9]{8,40}$/i, "Not a connection id");
