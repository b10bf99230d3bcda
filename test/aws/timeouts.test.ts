/**
 * Every AWS call has a deadline (src/aws/clients.ts): against an endpoint that accepts
 * connections and never answers, a call fails after two tries of the response deadline
 * with a message that says so, instead of waiting forever.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { AwsClients } from "../../src/aws/clients.js";
import { describeAwsError } from "../../src/aws/errors.js";
import { ExitCode } from "../../src/errors/index.js";

let server: Server;
let endpoint: string;
let connections = 0;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    sockets.push(socket);
    socket.on("data", () => undefined); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe("an endpoint that accepts and never answers", () => {
  it("fails the call after the response deadline, tried twice, with a message that names the endpoint", async () => {
    const previous = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = endpoint;
    try {
      const clients = new AwsClients({ region: "us-east-1", timeouts: { connectMs: 500, responseMs: 400 } });
      const cfn = await clients.cloudFormation();
      cfn.config.credentials = async () => ({ accessKeyId: "testing", secretAccessKey: "testing" });
      const started = Date.now();
      const error = await cfn.send(new DescribeStacksCommand({})).catch((caught: unknown) => caught);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(Error);
      expect(connections).toBe(2);
      // Two deadlines and a short backoff, not the default ten attempts.
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(5_000);
      const described = describeAwsError(error);
      expect(described?.message).toContain(`at ${endpoint} (AWS_ENDPOINT_URL) took the request but did not answer in time`);
      expect(described?.exitCode).toBe(ExitCode.awsFailed);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previous;
    }
  }, 20_000);
});

describe("waits that used to have no end (issue 21, item 7)", () => {
  it("an endpoint that sends its headers, then one byte a second, is cut at the answer's deadline, tried twice, and the message says what was waited for", async () => {
    const { createServer: createHttpServer } = await import("node:http");
    const timers: NodeJS.Timeout[] = [];
    const trickle = createHttpServer((request, response) => {
      request.resume();
      response.writeHead(200, { "content-type": "text/xml" });
      response.write("<");
      timers.push(setInterval(() => response.write(" "), 100));
    });
    await new Promise<void>((resolve) => trickle.listen(0, "127.0.0.1", resolve));
    const address = trickle.address();
    const trickleUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const previous = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = trickleUrl;
    try {
      // The idle deadline (400 ms) never passes: a byte comes every 100 ms.
      const clients = new AwsClients({ region: "us-east-1", timeouts: { connectMs: 500, responseMs: 400, answerMs: 700 } });
      const cfn = await clients.cloudFormation();
      cfn.config.credentials = async () => ({ accessKeyId: "testing", secretAccessKey: "testing" });
      const started = Date.now();
      const error = await cfn.send(new DescribeStacksCommand({})).catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(5_000);
      const described = describeAwsError(error);
      expect(described?.message).toContain(`at ${trickleUrl} (AWS_ENDPOINT_URL) took the request but did not answer in time`);
      expect(described?.message).toContain("kept arriving for 1 s without ending");
      expect(described?.exitCode).toBe(ExitCode.awsFailed);
    } finally {
      for (const timer of timers) clearInterval(timer);
      trickle.closeAllConnections();
      await new Promise((resolve) => trickle.close(resolve));
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previous;
    }
  }, 20_000);

  it("a profile whose credential_process never returns: a user error naming the profile after the credentials' deadline", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "racknet-credentials-"));
    writeFileSync(join(dir, "config"), "[profile stuck]\nregion = us-east-1\ncredential_process = sleep 20\n");
    const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE, key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, endpoint: process.env.AWS_ENDPOINT_URL };
    Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_ENDPOINT_URL: endpoint });
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const clients = new AwsClients({ region: "us-east-1", profile: "stuck", timeouts: { connectMs: 500, responseMs: 400, credentialsMs: 600 } });
      const cfn = await clients.cloudFormation();
      const started = Date.now();
      const error = await cfn.send(new DescribeStacksCommand({})).catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((error as Error).message).toContain("waited 1 s for AWS credentials from profile stuck (its credential_process");
    } finally {
      for (const [key, name] of [["config", "AWS_CONFIG_FILE"], ["credentials", "AWS_SHARED_CREDENTIALS_FILE"], ["key", "AWS_ACCESS_KEY_ID"], ["secret", "AWS_SECRET_ACCESS_KEY"], ["endpoint", "AWS_ENDPOINT_URL"]] as const) {
        if (saved[key] === undefined) delete process.env[name];
        else process.env[name] = saved[key];
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
