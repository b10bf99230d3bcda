import { describe, expect, it } from "vitest";
import { needsShell, readCommand } from "../../src/manifest/command.js";
import { awsCron } from "../../src/manifest/schedule.js";

describe("command: as ECS runs it", () => {
  it("passes the list form exactly", () => {
    expect(readCommand(["bin/web", "--name", "two words", "$HOME", "a && b"])).toEqual({ text: "bin/web --name two words $HOME a && b", argv: ["bin/web", "--name", "two words", "$HOME", "a && b"], shell: false });
  });

  it("splits a line without shell syntax into words, quotes respected, and runs it without a shell (Convox 3)", () => {
    expect(readCommand("-listen=:5678 -text=hello")?.argv).toEqual(["-listen=:5678", "-text=hello"]);
    expect(readCommand(`sh -c "while true; do sleep 60; done"`)?.argv).toEqual(["sh", "-c", "while true; do sleep 60; done"]);
    expect(readCommand(`bin/web --greeting 'hello world' --path a\\ b`)?.argv).toEqual(["bin/web", "--greeting", "hello world", "--path", "a b"]);
  });

  it("runs a line that needs a shell as sh -c, unchanged (Convox 2)", () => {
    for (const line of ["bin/migrate && bin/web", "bin/a | bin/b", "bin/a; bin/b", "bin/a > log", "bin/web --port $PORT", "bin/web --token ${TOKEN}", "ls *.js", "echo `date`", "echo $(date)", "RAILS_ENV=production bin/web", "cd ~/app", "bin/a # comment"]) {
      expect(needsShell(line), line).toBe(true);
      expect(readCommand(line), line).toEqual({ text: line, argv: ["sh", "-c", line], shell: true });
    }
  });

  it("reads nothing from an empty line or a list of non-words", () => {
    expect(readCommand("   ")).toBeUndefined();
    expect(readCommand([])).toBeUndefined();
    expect(readCommand([1, 2])).toBeUndefined();
  });
});

describe("timer schedules as AWS cron expressions", () => {
  it("keeps Convox 2's 6-field AWS form and completes 5 fields with the year", () => {
    expect(awsCron("0 3 * * ? *")).toEqual({ cron: "0 3 * * ? *" });
    expect(awsCron("0 3 * * ?")).toEqual({ cron: "0 3 * * ? *" });
  });

  it("turns Convox 3's * in both day fields into AWS's ? in one of them", () => {
    expect(awsCron("*/15 * * * *")).toEqual({ cron: "*/15 * * * ? *" });
    expect(awsCron("0 0 1 * *")).toEqual({ cron: "0 0 1 * ? *" });
    expect(awsCron("30 8 * * MON-FRI")).toEqual({ cron: "30 8 ? * MON-FRI *" });
    expect(awsCron("0 0 ? * *")).toEqual({ cron: "0 0 * * ? *" });
  });

  it("refuses what AWS cannot run or the two generations read differently", () => {
    expect(awsCron("0 3 * *")).toMatchObject({ problem: expect.stringContaining("has 4 fields") });
    expect(awsCron("0 3 1 * MON")).toMatchObject({ problem: expect.stringContaining("cannot combine") });
    expect(awsCron("0 3 * * 1-5")).toMatchObject({ problem: expect.stringContaining("read differently") });
    expect(awsCron("0 3 * * 1-5 *")).toEqual({ cron: "0 3 ? * 1-5 *" });
    expect(awsCron("0 3 * * % *")).toMatchObject({ problem: '"%" is not a cron field' });
  });

  it("refuses a value outside its field's range, as EventBridge does (issue 21, item 11)", () => {
    expect(awsCron("61 25 * * *")).toMatchObject({ problem: expect.stringContaining("minute 61 is outside 0-59") });
    expect(awsCron("0 24 * * *")).toMatchObject({ problem: expect.stringContaining("hour 24 is outside 0-23") });
    expect(awsCron("0 3 0 * ?")).toMatchObject({ problem: expect.stringContaining("day of the month 0 is outside 1-31") });
    expect(awsCron("0 3 * 13 ?")).toMatchObject({ problem: expect.stringContaining("month 13 is outside 1-12") });
    expect(awsCron("0 3 ? * 8 *")).toMatchObject({ problem: expect.stringContaining("day of the week 8 is outside 1-7") });
    expect(awsCron("0 3 * * ? 1969")).toMatchObject({ problem: expect.stringContaining("year 1969 is outside 1970-2199") });
    expect(awsCron("0 3 * * FUNDAY")).toMatchObject({ problem: expect.stringContaining('"FUNDAY"') });
    expect(awsCron("0-70/5 3 * * ?")).toMatchObject({ problem: expect.stringContaining("minute 70 is outside 0-59") });
    expect(awsCron("*/0 3 * * ?")).toMatchObject({ problem: expect.stringContaining("step") });
    expect(awsCron("0 3 W * ?")).toMatchObject({ problem: expect.stringContaining('"W"') });
    expect(awsCron("0 3 L * ?")).toEqual({ cron: "0 3 L * ? *" });
    expect(awsCron("0 3 15W * ?")).toEqual({ cron: "0 3 15W * ? *" });
    expect(awsCron("0 3 ? * 6L *")).toEqual({ cron: "0 3 ? * 6L *" });
    expect(awsCron("0 3 ? * MON#2 *")).toEqual({ cron: "0 3 ? * MON#2 *" });
    expect(awsCron("0,30 9-17/2 * JAN-MAR,DEC ? 2027")).toEqual({ cron: "0,30 9-17/2 * JAN-MAR,DEC ? 2027" });
  });

  it("a line shell-quote cannot read (a `${` left open) goes to the shell unchanged, not a crash (found by the manifest fuzzer)", () => {
    expect(readCommand("bin/web --token ${")).toEqual({ text: "bin/web --token ${", argv: ["sh", "-c", "bin/web --token ${"], shell: true });
  });
});
