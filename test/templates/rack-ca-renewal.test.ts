import { describe, expect, it } from "vitest";
import type { Json } from "../../src/templates/cfn.js";
import { CaRenewalResource, RENEWAL_SCHEDULE } from "../../src/templates/rack-ca-renewal.js";
import { fullRackTemplate } from "../../src/rack-steps/rack-template.js";
import { CERTIFICATE, INTERNAL_APPS_CERTIFICATE, ROUTER_APPS_CERTIFICATE, fullTemplate, propertiesOf, rack } from "./rack-fixture.js";

/**
 * Issue 20, item 9: the rack renews its CA-signed certificates itself, once a day, with a
 * function that may touch only those certificates and the CA's parameters. cfn-lint covers it
 * in every variant (test/templates/rack.test.ts lints rack-fixture's fullTemplate).
 */

interface Statement {
  Action: string[];
  Resource: Json;
  Condition?: Record<string, Record<string, Json>>;
}

function statements(stack: ReturnType<typeof rack>): Statement[] {
  const policies = propertiesOf(stack, CaRenewalResource.role).Policies as unknown as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

const stackOf = (params: Parameters<typeof rack>[0]) => rack(params, 3, {}, fullTemplate);

describe("rack template: the certificate renewal function", () => {
  it("is in the template racknet deploys, with its code inline (Code.ZipFile), run once a day by an EventBridge rule", () => {
    const template = fullRackTemplate({}, { region: "us-east-1" });
    const fn = template.Resources[CaRenewalResource.function];
    expect(fn?.Type).toBe("AWS::Lambda::Function");
    const code = (fn?.Properties?.Code as { ZipFile: string }).ZipFile;
    expect(code).toContain("ImportCertificate");
    // Lambda takes inline code up to 4 MB zipped; the rack template is sent whole, so it stays a few KB.
    expect(Buffer.byteLength(code)).toBeLessThan(8 * 1024);
    expect(template.Resources[CaRenewalResource.schedule]?.Properties).toMatchObject({ ScheduleExpression: RENEWAL_SCHEDULE, State: "ENABLED" });
    expect(RENEWAL_SCHEDULE).toBe("rate(1 day)");
    expect(template.Resources[CaRenewalResource.permission]?.Properties).toMatchObject({ Principal: "events.amazonaws.com", SourceArn: { "Fn::GetAtt": [CaRenewalResource.schedule, "Arn"] } });
    expect(template.Outputs.CaRenewalFunction).toEqual({ Value: { Ref: CaRenewalResource.function } });
  });

  it("is told the rack's certificates and the CA's parameters", () => {
    const stack = stackOf({ Internal: "Yes", internal_router: "true" });
    expect(propertiesOf(stack, CaRenewalResource.function).Environment).toEqual({
      Variables: {
        CERTIFICATE_ARNS: [CERTIFICATE, INTERNAL_APPS_CERTIFICATE, ROUTER_APPS_CERTIFICATE].join(","),
        CA_KEY_PARAMETER: "/racknet/prod/ca/key",
        CA_CERT_PARAMETER: "/racknet/prod/ca/cert",
      },
    });
  });

  it("least privilege: the certificates the stack names, the CA's two parameters, the CA key decrypted only through Parameter Store, its own log", () => {
    const stack = stackOf({ Internal: "Yes", internal_router: "true" });
    const all = statements(stack);
    const on = (action: string) => all.filter((statement) => statement.Action.includes(action)).map((statement) => statement.Resource);
    expect(on("acm:ImportCertificate")).toEqual([[CERTIFICATE, INTERNAL_APPS_CERTIFICATE, ROUTER_APPS_CERTIFICATE]]);
    expect(on("acm:GetCertificate")).toEqual(on("acm:ImportCertificate"));
    expect(on("ssm:GetParameter")).toEqual([["arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/ca/key", "arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/ca/cert"]]);
    const decrypt = all.find((statement) => statement.Action.includes("kms:Decrypt"));
    expect(decrypt?.Condition).toEqual({
      StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/racknet/prod/ca/key" },
    });
    expect(on("logs:PutLogEvents")).toEqual([{ "Fn::GetAtt": [CaRenewalResource.logGroup, "Arn"] }]);
    expect(all.flatMap((statement) => statement.Action).sort()).toEqual(["acm:GetCertificate", "acm:ImportCertificate", "kms:Decrypt", "logs:CreateLogStream", "logs:PutLogEvents", "ssm:GetParameter"]);
    expect(all.filter((statement) => statement.Resource === "*")).toEqual([]);
  });

  it("a listener the rack has not: neither its certificate in the policy nor in the list", () => {
    const stack = stackOf({ Internal: "No", internal_router: "false" });
    expect(statements(stack).find((statement) => statement.Action.includes("acm:ImportCertificate"))?.Resource).toEqual([CERTIFICATE]);
    expect((propertiesOf(stack, CaRenewalResource.function).Environment as { Variables: Record<string, string> }).Variables.CERTIFICATE_ARNS).toBe(`${CERTIFICATE},,`);
  });
});
