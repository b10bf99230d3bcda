import { describe, expect, it, vi } from "vitest";
import { describeAwsError } from "../../src/aws/errors.js";

const sdkError = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe("AWS errors the user can act on", () => {
  it("missing credentials: exit 1 with how to provide them", () => {
    const described = describeAwsError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    expect(described?.exitCode).toBe(1);
    expect(described?.fix).toContain("--profile");
  });

  it("missing region: exit 1 naming --region", () => {
    expect(describeAwsError(new Error("Region is missing"))?.fix).toContain("--region");
  });

  it("access denied: exit 1", () => {
    expect(describeAwsError(sdkError("AccessDenied", "not allowed", 403))?.exitCode).toBe(1);
  });

  it("an endpoint that refuses connections names AWS_ENDPOINT_URL", () => {
    // Stubbed, so the next test file of this worker sees the environment as it was.
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
    try {
      const described = describeAwsError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
      expect(described?.message).toContain("AWS_ENDPOINT_URL");
      expect(described?.exitCode).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("an endpoint's password is never shown: not where it cannot be reached, not in a timeout, not in a 5xx (issue 21, item 6)", () => {
    process.env.AWS_ENDPOINT_URL = "http://user:pa55word@127.0.0.1:1";
    try {
      const errors = [
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
        Object.assign(new Error("Connection timed out after 10000 ms"), { name: "TimeoutError" }),
        sdkError("Error", "bad gateway", 502),
      ];
      for (const error of errors) {
        const described = describeAwsError(error);
        expect(described?.message).toContain("http://****@127.0.0.1:1");
        expect(JSON.stringify(described)).not.toContain("pa55word");
      }
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });

  it("5xx after every retry: exit 3, no raw parser message", () => {
    const described = describeAwsError(sdkError("Error", "@aws-sdk XML parse error: mismatched tags", 500));
    expect(described?.exitCode).toBe(3);
    expect(described?.message).toContain("HTTP 500");
    expect(described?.message).not.toContain("XML parse");
  });

  it("anything that is not an SDK error is not described (it is a bug)", () => {
    expect(describeAwsError(new TypeError("x is undefined"))).toBeUndefined();
  });
});
