// Content-Disposition for a download under a given file name (RFC 6266): an ASCII fallback for
// old clients and the exact UTF-8 name for the rest.

export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
