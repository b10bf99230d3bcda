import { describe, expect, it } from "vitest";
import { protocolOf } from "../support/fault-proxy.js";

const s3Authorization = "AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

describe("the fault proxy answers a faulted call in its service's protocol", () => {
  it("an S3 upload of a JSON template gets an XML fault, as S3 answers (a JSON one is unparseable to the SDK and never retried)", () => {
    expect(protocolOf("PUT", "/racknet-staging/rack.json", { authorization: s3Authorization, "content-type": "application/json" }, "{}")).toBe("rest-xml");
  });

  it("a JSON service stays JSON", () => {
    expect(protocolOf("POST", "/", { "x-amz-target": "AmazonSSM.GetParameter", "content-type": "application/x-amz-json-1.1" }, "{}")).toBe("json");
  });
});
