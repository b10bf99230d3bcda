import { Writable } from "node:stream";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createContext } from "../../src/runtime/context.js";
import { Printer } from "../../src/ui/printer.js";

/** Secrets never reach the terminal: credentials nowhere, a manifest's environment values not where AWS may echo them. */

const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEFAKESESSIONTOKEN";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("--debug logs each AWS call by name only", () => {
  it("never prints credentials, even when the SDK middleware context holds them", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIADEBUGTESTKEY0001");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    vi.stubEnv("AWS_SESSION_TOKEN", SESSION_TOKEN);
    vi.stubEnv("AWS_REGION", "us-east-1");
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const context = createContext({ json: false, color: false, debug: true, yes: false, dryRun: false });
    const client = await context.aws.cloudFormation();
    const credentials = { accessKeyId: "AKIADEBUGTESTKEY0001", secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN };
    type Next = (args: unknown) => Promise<unknown>;
    // Put the credentials where a careless logger would find them, then stop before anything is sent.
    client.middlewareStack.add(((next: Next, ctx: Record<string, unknown>) => (args: unknown) => {
      Object.assign(ctx, { credentials, identity: credentials, commandName: "DescribeStacksCommand" });
      return next(args);
    }) as never, { step: "initialize", priority: "high", name: "testCredentialsInContext" });
    client.middlewareStack.add((() => () => Promise.reject(new Error("stopped before sending"))) as never, { step: "build", name: "testStop" });
    await expect(client.send(new DescribeStacksCommand({ StackName: SECRET_KEY }))).rejects.toThrow("stopped before sending");
    context.printer.error(`AWS said: the request with token ${SESSION_TOKEN} and key ${SECRET_KEY} failed`);

    const output = written.join("");
    expect(output).toContain("debug: aws CloudFormation.DescribeStacks");
    expect(output).not.toContain(SECRET_KEY);
    expect(output).not.toContain(SESSION_TOKEN);
  });
});

describe("the printer scrubs nothing but credentials", () => {
  it("prints names as it is given them: values never reach it, so nothing is masked after the fact", () => {
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "testing");
    const stdout = new Capture();
    const stderr = new Capture();
    const printer = new Printer({ json: false, color: false, debug: true, stdout, stderr });
    printer.info("Plan to update app backend on rack production (stack production-backend): web, backend roll; testing");
    printer.out("backend  internal  backend.shop.production.convox");
    expect(stderr.text).toContain("app backend on rack production (stack production-backend): web, backend roll; testing");
    expect(stdout.text).toBe("backend  internal  backend.shop.production.convox\n");
  });

  it("masks the credentials of the environment on both streams", () => {
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    const stdout = new Capture();
    const stderr = new Capture();
    const printer = new Printer({ json: true, color: false, debug: false, stdout, stderr });
    printer.result({ oops: SECRET_KEY }, () => undefined);
    printer.error(`signature mismatch for ${SECRET_KEY}`);
    expect(`${stdout.text}${stderr.text}`).not.toContain(SECRET_KEY);
  });
});

describe("--debug shows what was asked, never a value", () => {
  it("names and ids from an allow-list; a parameter's value, a template's body, tags are never shown", async () => {
    const { requestSummary } = await import("../../src/aws/clients.js");
    expect(requestSummary({ Name: "/racknet/prod/apps/shop/env/API_TOKEN", Value: "tok_live_9f8e7d6c5b4a", Type: "SecureString", Overwrite: true, Tags: [{ Key: "racknet:app", Value: "shop" }] })).toBe(
      "Name=/racknet/prod/apps/shop/env/API_TOKEN Type=SecureString Overwrite=true",
    );
    expect(requestSummary({ StackName: "prod-shop", ChangeSetName: "racknet-1", ChangeSetType: "UPDATE", TemplateBody: "{}", Parameters: [{ ParameterKey: "RackCaCert", ParameterValue: "-----BEGIN" }] })).toBe(
      "StackName=prod-shop ChangeSetName=racknet-1 ChangeSetType=UPDATE TemplateBody=2 bytes Parameters=[RackCaCert]",
    );
    expect(requestSummary({ Names: ["a", "b", "c", "d", "e"] })).toBe("Names=[a,b,c,+2]");
    expect(requestSummary({ PrivateKey: "-----BEGIN PRIVATE KEY-----", SecretString: "x" })).toBe("");
  });
});
