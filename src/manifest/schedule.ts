/**
 * A timer's `schedule:` as an AWS cron expression (EventBridge Scheduler's `cron(...)`:
 * minutes hours day-of-month month day-of-week year, UTC). Convox 2 passes a 5-field
 * schedule to AWS with ` *` appended (its `Timer.Cron`), Convox 3 reads 5 fields as
 * standard cron and turns `?` into `*`. Both read the same here, with these rules:
 * - AWS needs `?` in day-of-month or day-of-week: a `*` in one of them becomes `?`;
 *   naming both a day of the month and a day of the week is refused (AWS cannot).
 * - A number in the day-of-week of a 5-field schedule is refused: Convox 2 meant AWS's
 *   1 = Sunday, Convox 3 cron's 0 = Sunday. Names (MON-FRI) mean the same in both.
 * - Each field holds only what EventBridge takes there (minute 0-59, hour 0-23, day 1-31,
 *   month 1-12 or JAN-DEC, weekday 1-7 or SUN-SAT, year 1970-2199; `L`, `W` and `#` where
 *   they apply): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 *   AWS would refuse the rest when the stack is updated, after the other changes had begun.
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
  const outOfRange = [minute, hour, day, month, weekdayField, year].map((field, index) => fieldProblem(field, CRON_FIELDS[index] ?? MINUTE)).find((problem) => problem !== undefined);
  if (outOfRange !== undefined) return { problem: `"${schedule}": ${outOfRange}`, fix: CRON_FIX };
  const dayIsAny = day === "*" || day === "?";
  const weekdayIsAny = weekdayField === "*" || weekdayField === "?";
  if (!dayIsAny && !weekdayIsAny) {
    return { problem: `"${schedule}" names both a day of the month and a day of the week, which AWS schedules cannot combine`, fix: "keep one of them and write ? in the other" };
  }
  // Day of month wins the `*` when both are open: "every day".
  const [cronDay, cronWeekday] = dayIsAny && weekdayIsAny ? [day === "?" ? "*" : day, "?"] : dayIsAny ? ["?", weekdayField] : [day, "?"];
  return { cron: [minute, hour, cronDay, month, cronWeekday, year].join(" ") };
}

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** `L`, `15W`, `6L`, `3#2`: the forms only this field takes, besides values, ranges and steps. */
  special?: RegExp;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MINUTE: CronField = { name: "minute", min: 0, max: 59 };
const CRON_FIELDS: readonly CronField[] = [
  MINUTE,
  { name: "hour", min: 0, max: 23 },
  { name: "day of the month", min: 1, max: 31, special: /^(?:L|LW|(?:[1-9]|[12]\d|3[01])W)$/ },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day of the week", min: 1, max: 7, names: WEEKDAYS, special: new RegExp(`^(?:L|[1-7]L|(?:[1-7]|${WEEKDAYS.join("|")})#[1-5])$`, "i") },
  { name: "year", min: 1970, max: 2199 },
];
const CRON_FIX = "EventBridge's fields: minute 0-59, hour 0-23, day of the month 1-31, month 1-12 or JAN-DEC, day of the week 1-7 or SUN-SAT, year 1970-2199 (for example 0 3 * * ? is 03:00 UTC every day)";

/** Why EventBridge would refuse this field, or undefined. `?` is checked by the caller (day fields only). */
function fieldProblem(text: string, field: CronField): string | undefined {
  if (text === "?") return field.special ? undefined : `"?" is not a ${field.name} (only the day fields take it)`;
  for (const part of text.split(",")) {
    if (field.special?.test(part)) continue;
    const [base = "", step, ...extra] = part.split("/");
    if (extra.length > 0 || base === "") return `"${part}" is not a ${field.name}`;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= field.max)) return `the step /${step} in the ${field.name} must be a whole number from 1 to ${field.max}`;
    if (base === "*") continue;
    const bounds = base.split("-");
    if (bounds.length > 2) return `"${part}" is not a ${field.name}`;
    for (const bound of bounds) {
      const named = field.names?.indexOf(bound.toUpperCase()) ?? -1;
      const value = named >= 0 ? named + 1 : /^\d+$/.test(bound) ? Number(bound) : undefined;
      if (value === undefined) return `"${part}" is not a ${field.name}`;
      if (value < field.min || value > field.max) return `the ${field.name} ${bound} is outside ${field.min}-${field.max}`;
    }
  }
  return undefined;
}
