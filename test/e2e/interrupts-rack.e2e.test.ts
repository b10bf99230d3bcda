import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endState, interrupted, interruptedAt, leftovers, pick, startWorld, succeeds, type Point, type World } from "./interrupts-world.js";

/**
 * Ctrl-C at each step of the commands that span stacks (issue 14, "Proven"): `rack install`
 * (objects made before the stack), `rack params set Private=Yes` moving apps, `apps delete`,
 * `rack uninstall`. Each interrupted run says where things stand (exit 130, no stack trace),
 * then the same command is run again and the rack's end state must equal an uninterrupted
 * run's, with nothing left behind (no lock, no journal, no pending change set, no CA, key or
 * certificate of a rack that is gone). moto answers at once, so the proxy holds the call the
 * test interrupts (see hardening.e2e.test.ts).
 *
 * Every step is listed; a run takes a seeded sample of them (RACKNET_INTERRUPTS_SEED), or all
 * with RACKNET_INTERRUPTS=all, to keep `npm test` short. The suite is three files, so three
 * workers can run it side by side: this one `rack install` and `rack uninstall`.
 */
let world: World;
const ok = (...args: string[]) => succeeds(world, ...args);

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

describe("rack install, then rack uninstall: Ctrl-C at each step, run again, nothing left behind", () => {
  let installed: string[];

  beforeAll(async () => {
    await ok("rack", "install", "base", "--yes");
    installed = await endState(world, "base");
    await ok("rack", "uninstall", "base", "--yes");
    expect(await leftovers(world, "base")).toEqual([]);
  });

  const installSteps: Point[] = [
    { name: "while the CA's KMS key is made", operation: "CreateKey", nth: 1 },
    // PutParameter 1 is the lock, 2 the journal (the CA's three steps start together): 3 and 4
    // are the CA's two parameters, side by side with the key's alias and the certificates.
    { name: "while the CA's parameters are stored", operation: "PutParameter", nth: 3 },
    { name: "while the first certificate is imported", operation: "ImportCertificate", nth: 1 },
    { name: "while the change set is made", operation: "CreateChangeSet", nth: 1 },
    { name: "while the plan is read", operation: "DescribeChangeSet", nth: 1 },
    { name: "while the stack creation starts", operation: "ExecuteChangeSet", nth: 1 },
  ];
  for (const [index, point] of pick(installSteps, 3, 1).entries()) {
    it(`rack install, Ctrl-C ${point.name}: exit 130, then install again ends as an uninterrupted install`, async () => {
      const rack = `in${index}`;
      const result = await world.interruptAt(point.operation, point.nth, ["rack", "install", rack, "--yes"]);
      interrupted(result);
      if (point.operation === "ExecuteChangeSet") {
        expect(result.stderr).toContain(`the create of rack ${rack} continues in AWS`);
      } else {
        // Nothing may be half there: what was made before the stack is gone again, or the next run adopts it.
        const again = await world.cli("rack", "install", rack, "--yes");
        expect(again.code, again.stderr).toBe(0);
      }
      expect(await endState(world, rack)).toEqual(installed);
      await ok("rack", "uninstall", rack, "--yes");
      expect(await leftovers(world, rack)).toEqual([]);
    });
  }

  const uninstallSteps: Point[] = [
    { name: "while the stack is deleted", operation: "DeleteStack", nth: 1 },
    { name: "while the certificates go (the stack already gone)", operation: "DeleteCertificate", nth: 2 },
    { name: "while the CA's key is scheduled for deletion", operation: "ScheduleKeyDeletion", nth: 1, last: true },
  ];
  for (const [index, point] of pick(uninstallSteps, 2, 2).entries()) {
    it(`rack uninstall, Ctrl-C ${point.name}: exit 130 saying where things stand; uninstall again leaves nothing`, async () => {
      const rack = `un${index}`;
      await ok("rack", "install", rack, "--yes");
      const result = await world.interruptAt(point.operation, point.nth, ["rack", "uninstall", rack, "--yes"]);
      interruptedAt(point, result);
      if (point.operation !== "DeleteStack" && result.code === 130) {
        expect(result.stderr).toContain(`done: stack ${rack}`);
        expect(result.stderr).toContain(`run \`racknet rack uninstall ${rack}\` again to finish`);
      }
      if (result.code === 130) await ok("rack", "uninstall", rack, "--yes");
      expect(await leftovers(world, rack)).toEqual([]);
    });
  }
});
