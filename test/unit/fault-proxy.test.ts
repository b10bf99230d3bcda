import { describe, expect, it } from "vitest";
import {
  AssociateVPCWithHostedZoneCommand,
  CreateVPCAssociationAuthorizationCommand,
  DeleteVPCAssociationAuthorizationCommand,
  DisassociateVPCFromHostedZoneCommand,
  GetHostedZoneCommand,
  ListHostedZonesByVPCCommand,
  ListVPCAssociationAuthorizationsCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { operationOf, protocolOf } from "../support/fault-proxy.js";

const s3Authorization = "AWS4-HMAC-SHA256 Credential=testing/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

describe("the fault proxy answers a faulted call in its service's protocol", () => {
  it("an S3 upload of a JSON template gets an XML fault, as S3 answers (a JSON one is unparseable to the SDK and never retried)", () => {
    expect(protocolOf("PUT", "/racknet-staging/rack.json", { authorization: s3Authorization, "content-type": "application/json" }, "{}")).toBe("rest-xml");
  });

  it("a JSON service stays JSON", () => {
    expect(protocolOf("POST", "/", { "x-amz-target": "AmazonSSM.GetParameter", "content-type": "application/x-amz-json-1.1" }, "{}")).toBe("json");
  });
});

describe("the fault proxy names Route 53's REST calls by their API action, as the SDK sends them", () => {
  /** The method and path the SDK puts on the wire for a command (Route 53 API reference, "Request Syntax"), named by the proxy. */
  async function named(send: (client: Route53Client) => Promise<unknown>): Promise<string> {
    let seen = "";
    const client = new Route53Client({
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: { method: string; path: string; headers: Record<string, string> }) => {
          seen = operationOf(request.headers, "", request.method, request.path);
          throw new Error("not sent");
        },
      },
    });
    await send(client).catch(() => undefined);
    return seen;
  }
  const zone = { HostedZoneId: "Z0123456789ABCDEFGHIJ", VPC: { VPCId: "vpc-0123456789abcdef0", VPCRegion: "us-east-1" as const } };

  it.each([
    ["CreateVPCAssociationAuthorization", (client: Route53Client) => client.send(new CreateVPCAssociationAuthorizationCommand(zone))],
    ["DeleteVPCAssociationAuthorization", (client: Route53Client) => client.send(new DeleteVPCAssociationAuthorizationCommand(zone))],
    ["ListVPCAssociationAuthorizations", (client: Route53Client) => client.send(new ListVPCAssociationAuthorizationsCommand({ HostedZoneId: zone.HostedZoneId, MaxResults: 10 }))],
    ["AssociateVPCWithHostedZone", (client: Route53Client) => client.send(new AssociateVPCWithHostedZoneCommand({ ...zone, Comment: "racknet" }))],
    ["DisassociateVPCFromHostedZone", (client: Route53Client) => client.send(new DisassociateVPCFromHostedZoneCommand(zone))],
    ["GetHostedZone", (client: Route53Client) => client.send(new GetHostedZoneCommand({ Id: zone.HostedZoneId }))],
  ] as const)("%s", async (action, command) => {
    expect(await named(command)).toBe(action);
  });

  it("another Route 53 call is not named after one of them (a test holding one holds only it)", async () => {
    expect(await named((client) => client.send(new ListHostedZonesByVPCCommand({ VPCId: zone.VPC.VPCId, VPCRegion: "us-east-1" })))).toBe("");
  });

  it("query and JSON calls keep their names", () => {
    expect(operationOf({}, "Action=ExecuteChangeSet&Version=2010-05-15", "POST", "/")).toBe("ExecuteChangeSet");
    expect(operationOf({ "x-amz-target": "AmazonSSM.GetParameter" }, "{}", "POST", "/")).toBe("GetParameter");
  });
});
