// POST /api/calendar/bookings — the calendar event of a consultation booking.
import { requireUser } from "@/lib/auth/session";
import { createBooking, createBookingSchema } from "@/lib/calendar/bookings";
import { handle, json, readJson } from "@/lib/http/api";

export const POST = handle(async (request) => {
  const user = await requireUser(request);
  return json(await createBooking(user, await readJson(request, createBookingSchema)), 201);
});
