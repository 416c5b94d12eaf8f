// Outlook mailboxes often report Windows time zone names ("W. Europe Standard Time"), which Intl
// does not know. Each maps to the IANA zone CLDR gives its "001" territory (./windows-zones.ts,
// generated from CLDR's windowsZones.xml by scripts/generate-windows-zones.ts). A name that is
// neither is refused: reading it as UTC would silently shift every time by the zone's offset.
import { isValidTimeZone } from "@/lib/integrations/kit/time";
import { ProviderError } from "@/lib/integrations/kit/errors";
import { WINDOWS_TO_IANA } from "@/lib/integrations/outlook-calendar/windows-zones";

/** A time zone Graph reported that is neither IANA nor a Windows name CLDR maps. */
export class UnknownTimeZoneError extends ProviderError {
  constructor(readonly zone: string) {
    // "permanent": asking again gets the same name, and it says nothing about Graph's health.
    super(
      `Microsoft Graph reported the time zone "${zone.slice(0, 100)}", which is neither an IANA zone nor a Windows zone in CLDR's mapping; Plugboard does not guess it (reading it as UTC would shift the times)`,
      { category: "permanent", providerCode: "unknown_time_zone" },
    );
    this.name = "UnknownTimeZoneError";
  }
}

/** An IANA name for what Graph reports (IANA already, or a Windows name); null when it reports none. Throws UnknownTimeZoneError otherwise. */
export function ianaTimeZone(name: string | null | undefined): string | null {
  if (!name) return null;
  if (isValidTimeZone(name)) return name;
  const mapped = Object.hasOwn(WINDOWS_TO_IANA, name) ? WINDOWS_TO_IANA[name] : undefined;
  if (mapped && isValidTimeZone(mapped)) return mapped;
  throw new UnknownTimeZoneError(name);
}
