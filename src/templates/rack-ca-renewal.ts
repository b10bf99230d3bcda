/**
 * The rack's certificate renewal: an EventBridge rule runs a small Lambda function once a
 * day (src/functions/ca-renewal/handler.ts) that re-issues, with the rack CA, each of the
 * rack's certificates with under 30 days left and re-imports it under the same ARN. Without
 * it an untouched rack's internal certificates expired: only racknet commands renewed them.
 * Pure: the function's code comes in as a string (docs/rack-template.md, "Certificate renewal").
 *
 * Least privilege: the function may read the three certificates the stack names and re-import
 * them, read the CA's two parameters, and decrypt only the CA key parameter through Parameter
 * Store; nothing else of the rack or its apps.
 */
import { caCertParameter, caKeyParameter } from "../names/index.js";
import { getAtt, iff, join, noValue, ref, sub, type Json, type TemplateFragment } from "./cfn.js";
import { APPS_CERTIFICATE_PARAMETER } from "./rack-certificates.js";
import { SYNC_RUNTIME } from "./rack-privnet-sync.js";
import { RackCondition } from "./rack-ids.js";
import { RackParameter } from "../names/rack-parameters.js";

export const CaRenewalResource = {
  role: "CaRenewalRole",
  logGroup: "CaRenewalLogGroup",
  function: "CaRenewalFunction",
  schedule: "CaRenewalSchedule",
  permission: "CaRenewalSchedulePermission",
} as const;

/** Once a day: a certificate is renewed on the first run with under 30 days left, so 29 days of margin. */
export const RENEWAL_SCHEDULE = "rate(1 day)";
export const RENEWAL_FUNCTION_OUTPUT = "CaRenewalFunction";
export const RENEWAL_SCHEDULE_OUTPUT = "CaRenewalSchedule";

const RACK_CERTIFICATE = RackParameter.RackCertificateArn;
/** The rack template's own conditions: the listeners' apps certificates exist. */
const HAS_INTERNAL_APPS = RackCondition.InternalAppsCertificate;
const HAS_ROUTER_APPS = RackCondition.RouterAppsCertificate;
/** `${AWS::StackName}` is the rack's name, so the CA's parameters are `/racknet/<rack>/ca/...`. */
const STACK = "${AWS::StackName}";

const ssmParameterArn = (name: string): Json => sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`);

export function caRenewalFragment(code: string): TemplateFragment {
  const certificates = [
    ref(RACK_CERTIFICATE),
    iff(HAS_INTERNAL_APPS, ref(APPS_CERTIFICATE_PARAMETER.internal), noValue),
    iff(HAS_ROUTER_APPS, ref(APPS_CERTIFICATE_PARAMETER.router), noValue),
  ];
  return {
    Resources: {
      [CaRenewalResource.logGroup]: {
        Type: "AWS::Logs::LogGroup",
        DeletionPolicy: "Delete",
        UpdateReplacePolicy: "Delete",
        Properties: { LogGroupName: sub("/aws/lambda/${AWS::StackName}-ca-renewal"), RetentionInDays: 30 },
      },
      [CaRenewalResource.role]: { Type: "AWS::IAM::Role", Properties: roleProperties(certificates) },
      [CaRenewalResource.function]: {
        Type: "AWS::Lambda::Function",
        DependsOn: CaRenewalResource.logGroup,
        Properties: {
          FunctionName: sub("${AWS::StackName}-ca-renewal"),
          Description: "racknet: renews the rack's certificates signed by its CA, 30 days before they expire",
          Runtime: SYNC_RUNTIME,
          Handler: "index.handler",
          Code: { ZipFile: code },
          Role: getAtt(CaRenewalResource.role, "Arn"),
          Timeout: 60,
          MemorySize: 128,
          Environment: {
            Variables: {
              // The certificates its policy names; one a listener does not serve is an empty entry, skipped.
              CERTIFICATE_ARNS: join(",", [
                ref(RACK_CERTIFICATE),
                iff(HAS_INTERNAL_APPS, ref(APPS_CERTIFICATE_PARAMETER.internal), ""),
                iff(HAS_ROUTER_APPS, ref(APPS_CERTIFICATE_PARAMETER.router), ""),
              ]),
              CA_KEY_PARAMETER: sub(caKeyParameter(STACK)),
              CA_CERT_PARAMETER: sub(caCertParameter(STACK)),
            },
          },
        },
      },
      [CaRenewalResource.schedule]: {
        Type: "AWS::Events::Rule",
        Properties: {
          Description: "racknet: daily renewal of the rack's certificates",
          State: "ENABLED",
          ScheduleExpression: RENEWAL_SCHEDULE,
          Targets: [{ Id: "ca-renewal", Arn: getAtt(CaRenewalResource.function, "Arn") }],
        },
      },
      [CaRenewalResource.permission]: {
        Type: "AWS::Lambda::Permission",
        Properties: { Action: "lambda:InvokeFunction", FunctionName: ref(CaRenewalResource.function), Principal: "events.amazonaws.com", SourceArn: getAtt(CaRenewalResource.schedule, "Arn") },
      },
    },
    Outputs: {
      [RENEWAL_FUNCTION_OUTPUT]: { Value: ref(CaRenewalResource.function) },
      [RENEWAL_SCHEDULE_OUTPUT]: { Value: RENEWAL_SCHEDULE },
    },
  };
}

function roleProperties(certificates: Json[]): Record<string, Json> {
  const statement = (Action: string[], Resource: Json, Condition?: Json): Json => ({ Effect: "Allow", Action, Resource, ...(Condition ? { Condition } : {}) });
  return {
    AssumeRolePolicyDocument: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    },
    Policies: [
      {
        PolicyName: "ca-renewal",
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            statement(["logs:CreateLogStream", "logs:PutLogEvents"], getAtt(CaRenewalResource.logGroup, "Arn")),
            statement(["acm:GetCertificate", "acm:ImportCertificate"], certificates),
            statement(["ssm:GetParameter"], [ssmParameterArn(caKeyParameter(STACK)), ssmParameterArn(caCertParameter(STACK))]),
            // Whichever key encrypts it (the rack's own, or aws/ssm on an older rack): only through
            // Parameter Store and only for the CA key parameter (its ARN is the encryption context).
            statement(["kms:Decrypt"], sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*"), {
              StringEquals: {
                "kms:ViaService": sub("ssm.${AWS::Region}.amazonaws.com"),
                "kms:EncryptionContext:PARAMETER_ARN": ssmParameterArn(caKeyParameter(STACK)),
              },
            }),
          ],
        },
      },
    ],
  };
}
