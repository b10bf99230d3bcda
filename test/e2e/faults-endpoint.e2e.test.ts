import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsEnv } from "../support/moto.js";
import { hasStackTrace, runCli } from "../support/cli.js";

/**
 * An AWS_ENDPOINT_URL that is not an AWS API: a value that is not an http(s) URL is a usage
 * error (exit 2, said before any call), and an endpoint that answers a web page is refused,
 * never read as "no racks" (exit 0). Issue 14, "Accepted though invalid".
 */
let page: Server;
let pageUrl: string;

beforeAll(async () => {
  page = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end("<!doctype html><html><body><h1>It works!</h1></body></html>");
    });
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => page.close(() => resolve())));

const cli = (endpoint: string, ...args: string[]) => runCli(args, { env: awsEnv(endpoint) });

describe("AWS_ENDPOINT_URL", () => {
  it.each([["not-a-url", "is not a URL"], ["http://", "is not a URL"], ["ftp://moto:5000", "uses ftp, not http or https"], ["http://user:secret@exa mple", "is not a URL"]])(
    "%s: exit 2 naming the variable and what is wrong, the password masked",
    async (value, problem) => {
      const result = await cli(value, "racks");
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`error: AWS_ENDPOINT_URL ${problem}`);
      expect(result.stderr).not.toContain("secret");
      expect(result.stderr).not.toSatisfy(hasStackTrace);
    },
  );

  it.each([["racks"], ["racks", "--debug"], ["rack", "-r", "prod", "--json"]])("a password in an endpoint that cannot be reached is shown as ****: racknet %s (issue 21, item 6)", async (...args) => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await cli(`http://user:pa55word@127.0.0.1:${port}`, ...args);
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain(`http://****@127.0.0.1:${port}`);
    expect(`${result.stdout}${result.stderr}`).not.toContain("pa55word");
  });

  it.each([
    ["an empty body", ""],
    ["a body of zeros", "\u0000".repeat(4096)],
    ["a wrong-shaped XML answer", "<Nothing/>"],
    ["JSON where XML is due", '{"Stacks": []}'],
    ["garbage", "%PDF-1.4 \u00ff\u00fe garbage"],
    ["a huge body", "<DescribeStacksResponse>".padEnd(33 * 1_048_576, " ")],
  ])("HTTP 200 with %s: an error naming the endpoint and the call, exit 3, never \"no racks\" (issue 21, item 8)", async (_what, body) => {
    const answer = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "content-type": "text/xml" });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => answer.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(answer.address() as AddressInfo).port}`;
    try {
      const result = await cli(url, "racks");
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain(`the endpoint at ${url} (AWS_ENDPOINT_URL) answered CloudFormation DescribeStacks with HTTP 200 and`);
      expect(result.stderr).not.toContain("no racks");
      expect(result.stderr).not.toContain("$response");
      expect(result.stderr).not.toSatisfy(hasStackTrace);
      expect(result.stdout).toBe("");
    } finally {
      answer.closeAllConnections();
      await new Promise<void>((resolve) => answer.close(() => resolve()));
    }
  });

  it.each([["racks"], ["rack", "-r", "prod"], ["apps", "-r", "prod"]])("an endpoint answering a web page (HTTP 200): racknet %s refuses, exit 1, naming AWS_ENDPOINT_URL", async (...args) => {
    const result = await cli(pageUrl, ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the endpoint at ${pageUrl} (AWS_ENDPOINT_URL) answered with a web page (HTTP 200, text/html), not an AWS API`);
    expect(result.stdout).toBe("");
  });
});
