/**
 * A timer's `schedule:` as an AWS cron expression (EventBridge Scheduler's `cron(...)`:
 * minutes hours day-of-month month day-of-week year, UTC). Convox 2 passes a 5-field
 * schedule to AWS with ` *` appended (its `Timer.Cron`), Convox 3 reads 5 fields as
 * standard cron and turns `?` into `*`. Both read the same here, with these rules:
 * - AWS needs `?` in day-of-month or day-of-week: a `*` in one of them becomes `?`;
 *   naming both a day of the month and a day of the week is refused (AWS cannot).
 * - A number in the day-of-week of a 5-field schedule is refused: Convox 2 meant AWS's
 *   1 = Sunday, Convox 3 cron's 0 = Sunday. Names (MON-FRI) mean the same in both.
 * Pure.
 */

export type ScheduleResult = { cron: string } | { problem: string; fix: string };

/** The characters AWS allows in a cron field (values, names, `* ? , - / L W #`). */
const FIELD = /^[0-9A-Za-z*?,\-/#]+$/;

export function awsCron(schedule: string): ScheduleResult {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return { problem: `"${schedule}" has ${fields.length} fields; a schedule has 5 (minute hour day month weekday) or 6 (AWS's, with the year)`, fix: 'write for example schedule: "0 3 * * ?" (03:00 UTC every day)' };
  }
  const bad = fields.find((field) => !FIELD.test(field));
  if (bad !== undefined) return { problem: `"${bad}" is not a cron field`, fix: "use numbers, names (JAN, MON) and * ? , - / L W #" };
  const [minute = "", hour = "", day = "", month = "", weekdayField = "", year = "*"] = fields;
  if (fields.length === 5 && /\d/.test(weekdayField) && weekdayField !== "?") {
    return {
      problem: `the day of the week "${weekdayField}" is a number, which Convox 2 and Convox 3 read differently (1 is Sunday for one, Monday for the other)`,
      fix: "name the days instead, for example MON-FRI, or write the 6-field AWS form where 1 is Sunday",
    };
  }
  const dayIsAny = day === "*" || day === "?";
  const weekdayIsAny = weekdayField === "*" || weekdayField === "?";
  if (!dayIsAny && !weekdayIsAny) {
    return { problem: `"${schedule}" names both a day of the month and a day of the week, which AWS schedules cannot combine`, fix: "keep one of them and write ? in the other" };
  }
  // Day of month wins the `*` when both are open: "every day".
  const [cronDay, cronWeekday] = dayIsAny && weekdayIsAny ? [day === "?" ? "*" : day, "?"] : dayIsAny ? ["?", weekdayField] : [day, "?"];
  return { cron: [minute, hour, cronDay, month, cronWeekday, year].join(" ") };
}
