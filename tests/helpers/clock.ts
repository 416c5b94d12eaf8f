// Dates for test data that the code under test compares with the real clock and where the test
// cannot pass its own `now` ("N upcoming" on a calendar connection, the next events): a fixed date
// there turns the test red on the day it passes. Tests whose clock is passed in do not need this.
//
// The year is the first after the current one with 2026's calendar (the same weekday on every date,
// no 29 February, the same DST Sundays in Europe and North America), so every date in it is still
// ahead, and a test written against 2026 keeps its weekdays and offsets: `${year}-12-01T10:00` in
// Europe/Berlin is 09:00Z and a Tuesday, as 2026-12-01 was.

const CALENDAR_OF = 2026;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const newYearWeekday = (year: number) => new Date(Date.UTC(year, 0, 1)).getUTCDay();

function nextYearLike2026(now: Date): number {
  for (let year = now.getUTCFullYear() + 1; ; year++) {
    if (isLeap(year) === isLeap(CALENDAR_OF) && newYearWeekday(year) === newYearWeekday(CALENDAR_OF)) return year;
  }
}

export const testClock = {
  /** A year entirely in the future with 2026's calendar (2037 while it is 2026–2036). */
  year: nextYearLike2026(new Date()),
};
