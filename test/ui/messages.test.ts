import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DescribeStackEventsCommand } from "@aws-sdk/client-cloudformation";
import { run as appsDelete } from "../../src/operations/apps-delete.js";
import { run as rackInstall } from "../../src/operations/rack-install.js";
import { run as paramsSet } from "../../src/operations/rack-params-set.js";
import { run as rackUninstall } from "../../src/operations/rack-uninstall.js";
import { defaultParams } from "../../src/rack/params.js";
import { Printer } from "../../src/ui/printer.js";
import { printRackSummary, rackSummary } from "../../src/ui/rack-summary.js";
import { awsHarness, type AwsHarness } from "../support/aws-harness.js";
import { PUBLIC_WEB, deployedApp, installedRack, withOptions } from "../support/workflows.js";
import { MemoryTerminal } from "./terminal.js";


/** Every message true (issue 12): each message that once said something false, and what it says now. */

let h: AwsHarness;
beforeEach(() => {
  h = awsHarness();
});
afterEach(() => h.restore());

describe("racknet rack of a rack whose creation rolled back", () => {
  function shown(params = defaultParams()): string {
    const stdout = new MemoryTerminal();
    const printer = new Printer({ json: false, color: false, debug: false, stdout, stderr: new MemoryTerminal() });
    printRackSummary(printer, rackSummary({ rack: "prod", status: "ROLLBACK_COMPLETE", tags: {}, rackOutputs: {}, params }, "us-east-1"));
    return stdout.text;
  }

  it("does not blame InternalOnly for the missing load balancer when InternalOnly=No", () => {
    const text = shown();
    expect(text).not.toContain("InternalOnly=Yes");
    expect(text).toMatch(/^External\s+\(none: stack ROLLBACK_COMPLETE reports none\)$/m);
  });

  it("does not call a private rack's outbound IPs dynamic when the stack reports none", () => {
    const text = shown({ ...defaultParams(), Private: "Yes", Internal: "Yes" });
    expect(text).toMatch(/^Outbound IPs\s+\(none: stack ROLLBACK_COMPLETE reports none\)$/m);
    expect(text).toMatch(/^Internal\s+\(none: stack ROLLBACK_COMPLETE reports none\)$/m);
  });

  it("still says InternalOnly=Yes where that is the reason", () => {
    expect(shown({ ...defaultParams(), Internal: "Yes", InternalOnly: "Yes" })).toMatch(/^External\s+\(none: InternalOnly=Yes\)$/m);
  });
});

describe("deleting by name: rack uninstall and apps delete", () => {
  it("the uninstall plan says what deleting does (nothing is recreated), under a heading that asks for no --allow-destroy", async () => {
    await installedRack(h, "prod");
    const result = await withOptions(h, { dryRun: true }, () => h.run(rackUninstall, { name: "prod" }));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain("recreated");
    expect(result.stderr).toMatch(/VPC Vpc \(vpc-\w+\) will be deleted: the network of everything in it is gone/);
    expect(result.stderr).toContain("Destroys (what this command deletes by name; its own yes, or --yes, is enough):");
    expect(result.stderr).not.toContain("needs --allow-destroy");
  });

  it("the uninstall question counts what goes, on one short line", async () => {
    const tty = awsHarness({ interactive: true });
    try {
      await installedRack(tty, "prod");
      tty.user.answer(false);
      const result = await tty.run(rackUninstall, { name: "prod" });
      expect(result.stderr).toContain("cancelled; nothing changed");
      const question = tty.user.questions[0] ?? "";
      expect(question).toMatch(/^Delete rack prod\? This destroys: 1 VPC, 3 subnets, .+ and .+\.$/);
      expect(question).toContain("1 VPC");
      expect(question).toContain("3 subnets");
      expect(question.length).toBeLessThan(200);
    } finally {
      tty.restore();
    }
  });

  it("the apps delete plan asks for no --allow-destroy either", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    const result = await withOptions(h, { dryRun: true, rack: "prod" }, () => h.run(appsDelete, { app: "shop" }));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("Destroys (what this command deletes by name; its own yes, or --yes, is enough):");
    expect(result.stderr).not.toContain("needs --allow-destroy");
  });
});

describe("interrupts and failures name the racknet command that helps", () => {
  it("Ctrl-C while an app moves (rack params set Private=Yes) points at apps wait, which follows it, not services", async () => {
    await installedRack(h, "prod");
    await deployedApp(h, "prod", "shop", PUBLIC_WEB);
    h.stubs.CloudFormation?.on(DescribeStackEventsCommand).callsFake(async (input: { StackName?: string }) => {
      if (String(input.StackName).includes(":stack/prod-shop/")) {
        process.emit("SIGINT");
        throw new Error("aborted by Ctrl-C");
      }
      return h.cloudFormation.describeStackEvents(input);
    });
    const result = await withOptions(h, { rack: "prod", yes: true }, () => h.run(paramsSet, { params: ["Private=Yes"] }));
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain("stopped watching: the update of app shop on rack prod continues in AWS");
    expect(result.stderr).toContain("follow it to its end with `racknet apps wait shop -r prod`");
    expect(result.stderr).not.toContain("racknet services");
  });

  it("a failed install recommends racknet rack uninstall, not the AWS CLI", async () => {
    h.cloudFormation.failNext("prod", { logicalId: "Vpc", reason: "VPC limit reached" });
    const result = await withOptions(h, { yes: true }, () => h.run(rackInstall, { name: "prod", params: [], private: false }));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("fix: remove what is left with `racknet rack uninstall prod`, fix the cause, then install again");
    expect(result.stderr).not.toContain("aws cloudformation delete-stack");
  });
});

describe("plans and outcomes in the rack's own names", () => {
  it("no changes: the parameters echoed in their stored spelling", async () => {
    await installedRack(h, "prod", ["Internal=Yes"]);
    const result = await withOptions(h, { rack: "prod", yes: true }, () => h.run(paramsSet, { params: ["private=NO", "INTERNAL=true"] }));
    expect(result.stderr).toContain("no changes: rack prod already has Private=No Internal=Yes");
  });

  it("internal_router=true names the rack's router zone, not a placeholder", async () => {
    await installedRack(h, "prod");
    const result = await withOptions(h, { rack: "prod", dryRun: true }, () => h.run(paramsSet, { params: ["internal_router=true"] }));
    expect(result.stderr).toContain("with a private zone prod.router.convox");
    expect(result.stderr).not.toContain("<rack>");
  });
});
