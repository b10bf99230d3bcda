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
import { ExitCode } from "../../src/core/errors.js";

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
