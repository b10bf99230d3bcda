/**
 * The app stack's Parameters: the rack's facts, so that a rack change (private subnets,
 * a new listener) is an app-stack update with new values and the same template.
 */
import { UserError } from "../errors/index.js";
import type { EndpointKind } from "../rack/load-balancers.js";
import { AppParameter, KindParameters, NON_RACK_OUTPUT_PARAMETERS, domainCertificateParameter, isDomainCertificateParameter } from "./app-contract.js";
import type { Json, Template } from "./cfn.js";
import type { RackOutputName, RackOutputs } from "../names/rack-outputs.js";

/** CloudFormation's limit on one parameter value. */
export const PARAMETER_VALUE_MAX_BYTES = 4096;

const text = (description: string, extra: Record<string, Json> = {}): Record<string, Json> => ({ Type: "String", Description: description, ...extra });

const ACM_ARN_OR_EMPTY = "^(arn:aws[a-z-]*:acm:.+)?$";

export function appParameterDeclarations(kinds: Set<EndpointKind>, domainServices: readonly string[] = []): Template["Parameters"] {
  const parameters: Template["Parameters"] = {
    [AppParameter.Cluster]: text("The rack's ECS cluster"),
    // A comma-separated String, split where used: the same value the rack outputs, shown as given.
    [AppParameter.ServiceSubnets]: text("Comma-separated subnets the services run in (the private ones on a private rack)"),
    [AppParameter.AssignPublicIp]: text("ENABLED on a public rack, DISABLED on a private one", { AllowedValues: ["ENABLED", "DISABLED"] }),
    [AppParameter.VpcId]: text("The rack's VPC"),
    [AppParameter.NetworkSecurityGroup]: text("The rack's private-network security group"),
    [AppParameter.LogGroup]: text("The rack's CloudWatch log group"),
    [AppParameter.RackCaCert]: text("The rack CA's certificate (PEM), given to every service as RACKNET_CA_CERT", { MaxLength: PARAMETER_VALUE_MAX_BYTES }),
  };
  for (const kind of (["external", "internal", "router"] as const).filter((used) => kinds.has(used))) {
    const names = KindParameters[kind];
    parameters[names.listener] = text(`The ${kind} load balancer's HTTPS listener`);
    parameters[names.securityGroup] = text(`The ${kind} load balancer's security group`);
    parameters[names.dns] = text(`The ${kind} load balancer's DNS name`);
    parameters[names.zoneId] = text(`The ${kind} load balancer's canonical hosted zone`);
    // Private names live in the rack's private zones; external ones in the rack's HostedZoneId, when it has one.
    if (names.hostedZone) parameters[names.hostedZone] = text(`The private hosted zone of the ${kind} names`);
  }
  if (kinds.has("external")) {
    parameters[AppParameter.Domain] = text("The rack's Domain; empty for none", { Default: "" });
    parameters[AppParameter.HostedZoneId] = text("The rack's public Route 53 zone for the Domain; empty for none (racknet prints the records instead)", { Default: "" });
    parameters[AppParameter.ExternalCertificateArn] = text("The issued ACM certificate for *.<app>.<Domain> racknet requested outside the stack (no HostedZoneId); empty while pending", {
      Default: "",
      AllowedPattern: ACM_ARN_OR_EMPTY,
    });
  }
  for (const service of domainServices) {
    parameters[domainCertificateParameter(service)] = text(`The issued ACM certificate for ${service}'s domain: names, requested outside the stack; empty while pending or when the stack makes it`, {
      Default: "",
      AllowedPattern: ACM_ARN_OR_EMPTY,
    });
  }
  parameters[AppParameter.Exec] = text("Yes: ECS Exec into the app's tasks (racknet apps params set Exec=Yes)", { AllowedValues: ["Yes", "No"], Default: "No" });
  return parameters;
}

/** Values that are not rack outputs: the CA, the Domain and its zone, the environment's version, and the issued certificates racknet requested (by parameter name). */
export type AppParameterExtras = Readonly<Record<string, string | undefined>> & Partial<Record<(typeof NON_RACK_OUTPUT_PARAMETERS)[number], string>>;

/**
 * Values for the parameters `template` declares: the rack's Outputs by the same names,
 * plus the extras (RackCaCert, Domain, HostedZoneId, the issued certificates racknet requested). A value the template needs and the rack
 * does not offer, or one over CloudFormation's 4,096 bytes, is refused before any change.
 */
export function appParameters(rackOutputs: RackOutputs, extras: AppParameterExtras, template: Pick<Template, "Parameters">): Record<string, string> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, declaration] of Object.entries(template.Parameters)) {
    const value = isExtra(name) ? extras[name] : rackOutputs[name as RackOutputName];
    if (value !== undefined) values[name] = value;
    else if (declaration.Default === undefined) missing.push(name);
  }
  if (missing.length > 0) {
    throw new UserError(`the rack does not provide ${missing.join(", ")}, which this app needs`, {
      fix: "check the rack's parameters with `racknet rack params` (Internal, internal_router) and change them with `racknet rack params set`; a rack an older racknet installed may lack it until `racknet rack update`",
    });
  }
  for (const [name, value] of Object.entries(values)) {
    const bytes = Buffer.byteLength(value);
    if (bytes > PARAMETER_VALUE_MAX_BYTES) {
      throw new UserError(`the app stack's ${name} parameter would be ${bytes} bytes; CloudFormation allows ${PARAMETER_VALUE_MAX_BYTES}`);
    }
  }
  return values;
}

function isExtra(name: string): boolean {
  return (NON_RACK_OUTPUT_PARAMETERS as readonly string[]).includes(name) || isDomainCertificateParameter(name);
}
