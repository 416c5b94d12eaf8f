// GET, PATCH, DELETE /api/calendar/bookings/[reference] — read, change or cancel a booking's event.
import { requireUser } from "@/lib/auth/session";
import { cancelBooking, getBooking, updateBooking, updateBookingSchema } from "@/lib/calendar/bookings";
import { handle, json, readJson } from "@/lib/http/api";

type Context = { params: Promise<{ reference: string }> };

export const GET = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  return json(await getBooking(user, (await params).reference));
});

export const PATCH = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  const patch = await readJson(request, updateBookingSchema);
  return json(await updateBooking(user, (await params).reference, patch));
});

export const DELETE = handle<Context>(async (request, { params }) => {
  const user = await requireUser(request);
  return json(await cancelBooking(user, (await params).reference));
});
