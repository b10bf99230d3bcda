import { describe, expect, it } from "vitest";
import { INLINE_TEMPLATE_MAX_BYTES, run as rackTemplateWorkflow } from "../../src/operations/rack-template.js";
import rackTemplateCommand from "../../src/commands/rack-template.js";
import { memoryContext } from "../support/aws-harness.js";
import { printing } from "../support/printing.js";
const rackTemplate = printing(rackTemplateWorkflow);

/** `racknet rack template` says what it is: the template racknet deploys, for review, and what deploying it yourself takes. */
describe("racknet rack template", () => {
  it("--minify: compact, its size stated against the 51,200 bytes `aws cloudformation deploy --template-file` takes inline; stderr names what the deploy needs besides", async () => {
    const { context, stdout, stderr } = memoryContext();
    await rackTemplate(context, { params: ["Private=Yes"], minify: true });
    const body = stdout.text.trimEnd();
    expect((JSON.parse(body) as { Parameters: Record<string, { Default?: string }> }).Parameters.Private?.Default).toBe("Yes");
    expect(body).not.toContain("\n");
    // Within the limit or over it (then through S3: rack-template-s3.test.ts), the size is said.
    const bytes = Buffer.byteLength(body);
    expect(stderr.text).toContain(bytes <= INLINE_TEMPLATE_MAX_BYTES ? `${bytes} bytes: within the 51200 bytes --template-file takes` : `${bytes} bytes: over the 51200 bytes --template-file takes inline, even minified; deploy it with --s3-bucket`);
    for (const needed of ["CAPABILITY_IAM", "RackCertificateArn=", "AvailabilityZones=", "AvailabilityZoneCount=", "not a rack racknet manages"]) expect(stderr.text).toContain(needed);
  });

  it("pretty-printed it is over the limit, and says so: --minify (while that fits) or --s3-bucket", async () => {
    const { context, stdout, stderr } = memoryContext();
    await rackTemplate(context, { params: [], minify: false });
    expect(Buffer.byteLength(stdout.text.trimEnd())).toBeGreaterThan(INLINE_TEMPLATE_MAX_BYTES);
    expect(stderr.text).toMatch(/print it with --minify, or deploy with --s3-bucket|even minified; deploy it with --s3-bucket/);
  });

  it("its help no longer claims the output deploys as it is", () => {
    expect(rackTemplateCommand.summary).toContain("for review");
    expect(rackTemplateCommand.summary).not.toMatch(/works with|ready to deploy/);
    expect(Object.values(rackTemplateCommand.options).map((spec) => spec.flags)).toContain("--minify");
  });
});
