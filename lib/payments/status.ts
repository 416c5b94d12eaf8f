// Payment status transitions. Stripe does not promise to deliver events in order, so a late
// `payment_failed` must not undo a success, and a success must not undo a refund.
import type { PaymentStatus } from "@/lib/generated/prisma/enums";

const ALLOWED: Record<PaymentStatus, readonly PaymentStatus[]> = {
  not_required: ["pending", "completed", "failed"],
  pending: ["completed", "failed"],
  // A failed attempt may be followed by a successful one with another card, or a new intent.
  failed: ["completed", "pending"],
  completed: ["refunded"],
  refunded: [],
};

/** The status after an incoming one, or null when the change must be ignored (same, or out of order). */
export function nextPaymentStatus(current: PaymentStatus, incoming: PaymentStatus): PaymentStatus | null {
  return ALLOWED[current].includes(incoming) ? incoming : null;
}

/** The statuses from which `to` may be reached, for conditional updates that need no read first. */
export function statusesBefore(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(ALLOWED) as PaymentStatus[]).filter((from) => ALLOWED[from].includes(to));
}
