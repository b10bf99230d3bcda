/**
 * The app stack: one Fargate service per manifest service, routed through the rack's
 * load balancers, with the rack's facts as parameters (app-parameters.ts) so that a rack
 * change is an app update with new values and the same template. Pure.
 */
import { UserError } from "../core/errors.js";
import { endpointKinds, type EndpointKind, type Manifest, type Service } from "../manifest/model.js";
import { AppParameter, logicalName, serviceNameOutput } from "./app-contract.js";
import { HAS_DOMAIN, linkEnvironment } from "./app-endpoints.js";
import { PARAMETER_VALUE_MAX_BYTES, appParameterDeclarations } from "./app-parameters.js";
import { SERVICE_SECURITY_GROUP, listenerCertificates, serviceRoute, serviceSecurityGroup } from "./app-routing.js";
import { ecsService, taskDefinition } from "./app-service.js";
import { type Json, type Template, equals, getAtt, merge, not, ref } from "./cfn.js";

export { appParameters, type AppParameterExtras } from "./app-parameters.js";

export interface AppTemplateInput {
  rack: string;
  app: string;
  manifest: Manifest;
  version: string;
  /** Listener rule priority per `"<service>:<kind>"` (src/apps/priorities.ts). */
  priorities: Record<string, number>;
  /** When given, checked against CloudFormation's parameter size limit (it travels as RackCaCert). */
  caCertPem?: string;
  /** More variables for every container (values may be intrinsics such as the stack id). */
  extraEnvironment?: Record<string, Json>;
}

export function appTemplate(input: AppTemplateInput): Template {
  const { rack, app, manifest } = input;
  checkInput(input);
  const kinds = new Set(manifest.services.flatMap((service) => endpointKinds(service)));
  const template: Template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `racknet app ${app} on rack ${rack} (racknet ${input.version})`,
    Parameters: appParameterDeclarations(kinds),
    Conditions: kinds.has("external") ? { [HAS_DOMAIN]: not(equals(ref(AppParameter.Domain), "")) } : {},
    Resources: {
      [SERVICE_SECURITY_GROUP]: serviceSecurityGroup(rack, app, servedPorts(manifest.services)),
    },
    Outputs: {},
  };
  merge(template, listenerCertificates(kinds));
  for (const service of manifest.services) merge(template, serviceFragment(input, service));
  return template;
}

function serviceFragment(input: AppTemplateInput, service: Service) {
  const { rack, app, manifest } = input;
  const id = logicalName(service.name);
  const environment: Record<string, Json> = {
    ...linkEnvironment(service, manifest.services, app, rack),
    ...Object.fromEntries(service.environment.map((entry) => [entry.key, entry.value ?? ""])),
    RACKNET_RACK: rack,
    RACKNET_APP: app,
    RACKNET_SERVICE: service.name,
    RACKNET_CA_CERT: ref(AppParameter.RackCaCert),
    ...(input.extraEnvironment ?? {}),
  };
  const resourceInput = { rack, app, service, id, environment };
  // One output per service (a stack holds 200): see serviceNameOutput.
  const outputs: Template["Outputs"] = {
    [serviceNameOutput(service.name)]: { Description: `${service.name}: ECS service name`, Value: getAtt(`${id}Service`, "Name") },
  };
  const fragments = endpointKinds(service).map((kind) => serviceRoute({ rack, app, service, id, kind, priority: priorityFor(input, service.name, kind) }));
  return {
    Resources: {
      [`${id}TaskDefinition`]: taskDefinition(resourceInput),
      [`${id}Service`]: ecsService(resourceInput),
      ...Object.assign({}, ...fragments.map((fragment) => fragment.Resources)),
    },
    Outputs: outputs,
  };
}

function servedPorts(services: Service[]): { port: number; kind: EndpointKind }[] {
  return services.flatMap((service) => (service.port ? endpointKinds(service).map((kind) => ({ port: service.port?.port ?? 0, kind })) : []));
}

function priorityFor(input: AppTemplateInput, service: string, kind: EndpointKind): number {
  const priority = input.priorities[`${service}:${kind}`];
  if (priority === undefined) throw new Error(`no listener rule priority for ${service}:${kind}`);
  return priority;
}

/** Problems the manifest rules do not see: logical-id clashes, images, the CA's size. */
function checkInput(input: AppTemplateInput): void {
  const byId = new Map<string, string>();
  for (const service of input.manifest.services) {
    const id = logicalName(service.name);
    const clash = byId.get(id);
    if (clash) throw new UserError(`services ${clash} and ${service.name} would share the CloudFormation name ${id}`, { fix: `rename one of them in ${input.manifest.file}` });
    byId.set(id, service.name);
    if (!service.image) {
      throw new UserError(`service ${service.name} has no image`, { fix: `set services.${service.name}.image in ${input.manifest.file} (racknet does not build images)` });
    }
  }
  if (input.caCertPem && Buffer.byteLength(input.caCertPem) > PARAMETER_VALUE_MAX_BYTES) {
    throw new UserError(`the rack's CA certificate is ${Buffer.byteLength(input.caCertPem)} bytes; a CloudFormation parameter holds ${PARAMETER_VALUE_MAX_BYTES}`);
  }
}
