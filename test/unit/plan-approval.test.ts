import { describe, expect, it } from "vitest";
import { decideApproval, type ApprovalInput } from "../../src/plan/approval.js";

const widens = ["shop/web becomes reachable from the internet through the external load balancer (was internal)"];
const destroys = ["Elastic IP NatAddress1 will be released"];

const input = (changes: Partial<ApprovalInput> = {}): ApprovalInput => ({
  widens: [],
  destroys: [],
  hasChanges: true,
  yes: false,
  allowDestroy: false,
  requireApproval: "broadening",
  tty: true,
  question: "Apply these changes to app shop?",
  ...changes,
});

const topics = (decision: ReturnType<typeof decideApproval>) => (decision.kind === "ask" ? decision.questions.map((question) => [question.topic, question.defaultNo]) : decision.kind);

describe("decideApproval", () => {
  it("an ordinary change: --yes applies, a terminal asks (default yes), neither refuses naming --yes", () => {
    expect(decideApproval(input({ yes: true, tty: false }))).toEqual({ kind: "proceed" });
    expect(topics(decideApproval(input()))).toEqual([["change", false]]);
    const refused = decideApproval(input({ tty: false }));
    expect(refused).toMatchObject({ kind: "refuse", message: expect.stringContaining("only with --yes"), fix: expect.stringContaining("--yes") });
  });

  it("no changes: nothing to approve", () => {
    expect(decideApproval(input({ hasChanges: false, tty: false, widens, destroys }))).toEqual({ kind: "proceed" });
  });

  it("broadening on a terminal: its own question, default No, before the command's", () => {
    const decision = decideApproval(input({ widens }));
    expect(topics(decision)).toEqual([["widens", true], ["change", false]]);
    expect(decision.kind === "ask" && decision.questions[0]?.question).toContain("shop/web becomes reachable from the internet");
  });

  it("broadening with --yes is refused, on a terminal or not, unless --require-approval never", () => {
    for (const tty of [true, false]) {
      const refused = decideApproval(input({ widens, yes: true, tty }));
      expect(refused).toMatchObject({ kind: "refuse", message: expect.stringContaining("which --yes does not approve"), fix: expect.stringContaining("--require-approval never") });
    }
    expect(decideApproval(input({ widens, yes: true, tty: false, requireApproval: "never" }))).toEqual({ kind: "proceed" });
  });

  it("without a terminal or --yes, broadening names both flags", () => {
    const refused = decideApproval(input({ widens, tty: false }));
    expect(refused.kind === "refuse" && refused.fix).toContain("--yes --require-approval never");
  });

  it("destroys or replaces: --yes alone does not apply it, --allow-destroy does, a terminal asks (default No)", () => {
    expect(decideApproval(input({ destroys, yes: true, tty: false }))).toMatchObject({ kind: "refuse", fix: expect.stringContaining("--allow-destroy") });
    expect(decideApproval(input({ destroys, yes: true, tty: false, allowDestroy: true }))).toEqual({ kind: "proceed" });
    expect(topics(decideApproval(input({ destroys })))).toEqual([["destroys", true], ["change", false]]);
    expect(topics(decideApproval(input({ destroys, allowDestroy: true })))).toEqual([["change", false]]);
  });

  it("apps delete and rack uninstall destroy by name: their own question (naming what goes, default No) or --yes suffices", () => {
    expect(decideApproval(input({ destroys, yes: true, tty: false, destructiveByName: true }))).toEqual({ kind: "proceed" });
    const asked = decideApproval(input({ destroys, destructiveByName: true }));
    expect(topics(asked)).toEqual([["change", true]]);
    expect(asked.kind === "ask" && asked.questions[0]?.question).toContain(`This destroys: ${destroys.join("; ")}.`);
  });

  it("both at once, without a terminal: one refusal naming every flag it takes", () => {
    const refused = decideApproval(input({ widens, destroys, yes: true, tty: false }));
    expect(refused.kind === "refuse" && refused.fix).toContain("--require-approval never --allow-destroy");
    expect(topics(decideApproval(input({ widens, destroys })))).toEqual([["widens", true], ["destroys", true], ["change", false]]);
  });

  it("--require-approval any-change: every change asks on a terminal, even with --yes; without one it is refused", () => {
    expect(topics(decideApproval(input({ requireApproval: "any-change", yes: true })))).toEqual([["change", false]]);
    expect(decideApproval(input({ requireApproval: "any-change", yes: true, tty: false }))).toMatchObject({ kind: "refuse", message: expect.stringContaining("any-change") });
  });

  it("--require-approval never skips only the broadening question", () => {
    expect(topics(decideApproval(input({ widens, destroys, requireApproval: "never" })))).toEqual([["destroys", true], ["change", false]]);
  });
});
