import { describe, expect, it } from "vitest";
import { Interrupted, UserError } from "../../src/core/errors.js";
import { appsAlreadyMoved } from "../../src/operations/rack-params-set.js";

describe("Private=No stopped after the apps moved", () => {
  const moved = [
    { app: "shop", outcome: "updated" as const, changed: ["ServiceSubnets", "AssignPublicIp"] },
    { app: "blog", outcome: "unchanged" as const, changed: [] },
  ];

  it("Ctrl-C does not claim nothing changed: it names the apps that moved and how to finish", () => {
    const error = appsAlreadyMoved(new Interrupted("cancelled; nothing changed"), "prod", moved);
    expect(error).toBeInstanceOf(Interrupted);
    const { message, fix } = error as Interrupted;
    expect(message).not.toContain("nothing changed");
    expect(message).toContain("shop already moved to the public subnets");
    expect(message).not.toContain("blog");
    expect(fix).toContain("racknet rack params set Private=No -r prod");
  });

  it("keeps the kind of error (and so the exit code)", () => {
    const error = appsAlreadyMoved(new UserError("change set can no longer run; nothing was changed"), "prod", moved);
    expect((error as UserError).exitCode).toBe(1);
  });

  it("leaves bugs alone", () => {
    const bug = new TypeError("x");
    expect(appsAlreadyMoved(bug, "prod", moved)).toBe(bug);
  });
});
