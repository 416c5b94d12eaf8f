// Twilio message statuses in the order a message moves through them. Status callbacks may arrive
// out of order (or twice), so a status only replaces one that comes earlier.
const RANK: Record<string, number> = {
  pending: 0,
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  receiving: 4,
  received: 5,
  delivered: 5,
  undelivered: 5,
  failed: 5,
  canceled: 5,
  read: 6,
};

/** True when `incoming` is later than `current` (unknown statuses are taken as they come). */
export function isLaterStatus(current: string, incoming: string): boolean {
  if (current === incoming) return false;
  const a = RANK[current];
  const b = RANK[incoming];
  if (a === undefined || b === undefined) return true;
  return b > a;
}
