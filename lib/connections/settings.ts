// Reading a connection's `settings` JSON: the object itself, and the non-secret form fields an
// API-key connection keeps in `settings.fields` (string values only).

/** The settings object, or {} for anything else (null, an array, a scalar). */
export function settingsObject(settings: unknown): Record<string, unknown> {
  return settings && typeof settings === "object" && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
}

/** The string values of an object (others dropped), or {} when it is not an object. */
export function stringValues(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(settingsObject(value)).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

/** The non-secret form fields stored with a connection (`settings.fields`). */
export function settingFields(settings: unknown): Record<string, string> {
  return stringValues(settingsObject(settings).fields);
}
