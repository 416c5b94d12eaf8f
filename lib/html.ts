// Escaping for text placed into HTML: email bodies, descriptions sent to Odoo, the pages route
// handlers answer with. A top-level leaf (it imports nothing) so any lib/ folder can use it
// without depending on another.
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `value` safe as HTML text or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
