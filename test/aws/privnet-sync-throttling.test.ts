/**
 * Issue 9, item 14. Route 53 allows five API requests per second per account; beyond that it
 * answers HTTP 400 with Code Throttling ("Rate exceeded"), and PriorRequestNotComplete while
 * a change to the zone is still being applied (Route 53 Developer Guide, "Throttling for
 * Amazon Route 53 API requests"; re:Post knowledge center "How can I avoid Route 53 API
 * throttling errors?"). The sync function's clients retry those with backoff.
 */
import { describe, expect, it } from "vitest";
import { ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { SYNC_CLIENT_CONFIG } from "../../src/functions/privnet-sync/handler.js";

const NS = "https://route53.amazonaws.com/doc/2013-04-01/";
const error = (code: string, message: string) =>
  `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
const listed = `<?xml version="1.0"?><ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>`;

/** An HTTP layer that answers the given bodies in turn, and records when each request came. */
function answering(responses: { status: number; body: string }[]) {
  const times: number[] = [];
  const handler = {
    handle: async () => {
      times.push(Date.now());
      const next = responses.shift() ?? { status: 200, body: listed };
      const body = new Blob([next.body]).stream();
      return { response: { statusCode: next.status, reason: "", headers: { "content-type": "text/xml" }, body } };
    },
  };
  return { handler, times };
}

describe("the sync function's Route 53 calls (five requests a second per account)", () => {
  it("are retried after Throttling and PriorRequestNotComplete, waiting between attempts", async () => {
    const http = answering([
      { status: 400, body: error("Throttling", "Rate exceeded") },
      { status: 400, body: error("PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.") },
      { status: 400, body: error("Throttling", "Rate exceeded") },
    ]);
    const route53 = new Route53Client({ ...SYNC_CLIENT_CONFIG, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, requestHandler: http.handler });
    const result = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: "Z1" }));
    expect(result.$metadata.attempts).toBe(4);
    expect(result.$metadata.totalRetryDelay).toBeGreaterThan(0);
    expect(http.times).toHaveLength(4);
  }, 30_000);

  it("keep trying for up to ten attempts and use the SDK's adaptive mode, which also slows the client's own sending once throttled", () => {
    expect(SYNC_CLIENT_CONFIG).toEqual({ maxAttempts: 10, retryMode: "adaptive" });
  });
});
