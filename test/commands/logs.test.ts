import "aws-sdk-client-mock-vitest/extend";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchLogsClient, FilterLogEventsCommand, ResourceNotFoundException, type FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { beforeEach, describe, expect, it } from "vitest";
import { ExitCode, UsageError, UserError } from "../../src/errors/index.js";
import { tailLogs, type LogEvent } from "../../src/aws/logs.js";
import { parseSince, run as workflow } from "../../src/operations/logs.js";
import { LOG_GROUP, dayContext, stacks } from "./day-fixtures.js";
import { printing } from "../support/printing.js";
const run = printing(workflow);

const logs = mockClient(CloudWatchLogsClient);
const T0 = Date.parse("2025-03-01T10:00:00Z");

function event(stream: string, offsetSeconds: number, message: string, id = `${stream}-${offsetSeconds}`): FilteredLogEvent {
  return { eventId: id, logStreamName: stream, timestamp: T0 + offsetSeconds * 1000, message };
}

const args = (overrides: Partial<{ service: string; since: string; follow: boolean }> = {}) => ({ since: "10m", follow: false, ...overrides });

beforeEach(() => {
  stacks();
  logs.reset();
  logs.onAnyCommand().rejects(new Error("unmocked CloudWatch Logs call"));
});

describe("racknet logs", () => {
  it("prints the app's lines oldest first, prefixed service/<service>/<task> as convox logs does, and never another app's", async () => {
    // moto ignores logStreamNamePrefix: the response below holds another app's stream too.
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        event("shop/worker/bbbb2222", 2, "job done\n"),
        event("blog/web/cccc3333", 1, "not ours"),
        event("shop/web/aaaa1111", 1, "GET / 200"),
      ],
    });
    const day = dayContext();
    // The workflow reads time from its clock (a fake one here, standing still while nothing waits).
    const now = day.context.clock.now();
    await run(day.context, args());
    expect(day.stdout()).toBe(["2025-03-01T10:00:01Z service/web/aaaa1111 GET / 200", "2025-03-01T10:00:02Z service/worker/bbbb2222 job done", ""].join("\n"));
    const input = logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input;
    expect(input?.logGroupName).toBe(LOG_GROUP);
    expect(input?.logStreamNamePrefix).toBe("shop/");
    expect(input?.startTime).toBe(now - 10 * 60_000);
  });

  it("-s web reads only that service's streams", async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [event("shop/web/aaaa1111", 1, "hello")] });
    const day = dayContext();
    await run(day.context, args({ service: "web" }));
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, { logStreamNamePrefix: "shop/web/" });
    expect(day.stdout()).toContain("service/web/aaaa1111 hello");
  });

  it("a service the app does not have is refused, naming the ones it has", async () => {
    const error = (await run(dayContext().context, args({ service: "wbe" })).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('no service "wbe"');
    expect(error.fix).toContain("web, worker, api");
    expect(logs).not.toHaveReceivedCommand(FilterLogEventsCommand);
  });

  it("--json prints one object per line: timestamp, service, task, message", async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [event("shop/web/aaaa1111", 1, "a"), event("shop/api/dddd4444", 3, "b")] });
    const day = dayContext({ json: true });
    await run(day.context, args());
    const lines = day.stdout().trim().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { timestamp: "2025-03-01T10:00:01.000Z", service: "web", task: "aaaa1111", message: "a" },
      { timestamp: "2025-03-01T10:00:03.000Z", service: "api", task: "dddd4444", message: "b" },
    ]);
  });

  it("reads every page, including an empty one that still has a nextToken", async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [event("shop/web/a", 1, "one")], nextToken: "t1" })
      .resolvesOnce({ events: [], nextToken: "t2" })
      .resolves({ events: [event("shop/web/a", 2, "two")] });
    const day = dayContext();
    await run(day.context, args());
    expect(day.stdout()).toContain("one");
    expect(day.stdout()).toContain("two");
    expect(logs.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input.nextToken)).toEqual([undefined, "t1", "t2"]);
  });

  it("no lines: says so on stderr, nothing on stdout", async () => {
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    const day = dayContext();
    await run(day.context, args({ since: "5m" }));
    expect(day.stdout()).toBe("");
    expect(day.stderr()).toContain("no log lines from app shop in the last 5m");
  });

  it("a log group that is gone is a clear error naming it", async () => {
    logs.on(FilterLogEventsCommand).rejects(new ResourceNotFoundException({ message: "The specified log group does not exist.", $metadata: {} }));
    const error = (await run(dayContext().context, args()).catch((caught: unknown) => caught)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`log group ${LOG_GROUP} does not exist`);
    expect(error.fix).toContain(`aws logs create-log-group --log-group-name ${LOG_GROUP}`);
  });

  it("an app that does not exist is refused before any log is read", async () => {
    stacks({ app: false });
    const error = (await run(dayContext().context, args()).catch((caught: unknown) => caught)) as UserError;
    expect(error.message).toContain('app "shop" not found on rack prod');
    expect(logs).not.toHaveReceivedCommand(FilterLogEventsCommand);
  });

  it("a bad --since is a usage error (exit 2) before any AWS call", async () => {
    const error = (await run(dayContext().context, args({ since: "10 minutes" })).catch((caught: unknown) => caught)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.fix).toContain("1h30m");
    expect(logs).not.toHaveReceivedCommand(FilterLogEventsCommand);
  });
});

describe("--since takes Go durations, as convox logs does", () => {
  it.each([
    ["10m", 600_000],
    ["2m", 120_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["90s", 90_000],
    ["48h", 172_800_000],
    ["500ms", 500],
    ["0", 0],
  ])("%s is %d ms", (text, ms) => {
    expect(parseSince(text)).toBe(ms);
  });

  it.each(["", "10", "-5m", "1d", "10 m", "m", "1h 30m", "5mins", "1e3s"])("%j is refused", (text) => {
    expect(() => parseSince(text)).toThrow(UsageError);
  });
});

describe("--follow", () => {
  it("polls again from a little before the newest line, shows each line once, and stops when told", async () => {
    const first = [event("shop/web/a", 1, "one", "e1"), event("shop/web/a", 2, "two", "e2")];
    const second = [...first, event("shop/web/a", 3, "three", "e3")];
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: first }).resolves({ events: second });
    const shown: string[] = [];
    const stop = new AbortController();
    const waits: number[] = [];
    await tailLogs(new CloudWatchLogsClient({ region: "us-east-1" }), { group: LOG_GROUP, streamPrefix: "shop/", since: T0 - 60_000 }, {
      follow: true,
      emit: (events: LogEvent[]) => shown.push(...events.map((one) => one.message)),
      signal: stop.signal,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) stop.abort();
      },
    });
    expect(shown).toEqual(["one", "two", "three"]);
    const starts = logs.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input.startTime);
    // From --since, then 10 s before the newest line seen (late arrivals), never before --since.
    expect(starts).toEqual([T0 - 60_000, T0 + 2000 - 10_000, T0 + 3000 - 10_000]);
    expect(waits).toEqual([2000, 2000, 2000]);
  });
});
