/**
 * The app stack: one Fargate service per manifest service, routed through the rack's
 * load balancers, with the rack's facts as parameters (app-parameters.ts) so that a rack
 * change is an app update with new values and the same template; its timers, its
 * autoscaling and its execution role. `renderAppStack` makes it in one call, with the
 * stack's Metadata, measured against CloudFormation's quotas. Pure.
 */
import { UserError } from "../errors/index.js";
import type { ServiceEnvironment } from "../manifest/environment.js";
import { endpointKinds, scalesOnQueueDepth, visibility, type EndpointKind, type Manifest, type Service } from "../manifest/model.js";
import { AppParameter, EXEC_ENABLED, METADATA_KEY, logicalName, serviceIds, serviceNameOutput, type AppStackMetadata } from "./app-contract.js";
import { HAS_DOMAIN, linkEnvironment } from "./app-endpoints.js";
import { EXECUTION_ROLE, TASK_ROLE, executionRole, taskRole } from "./app-iam.js";
import { PARAMETER_VALUE_MAX_BYTES, appParameterDeclarations, appParameters, type AppParameterExtras } from "./app-parameters.js";
import { checkAppQuotas, type QuotaUse } from "./app-quotas.js";
import { SERVICE_SECURITY_GROUP, serviceRoute, serviceSecurityGroup } from "./app-routing.js";
import { NlbParameter, nlbFragment, nlbSchemes, nlbServiceIngress } from "./app-nlb.js";
import { scalingResources } from "./app-scaling.js";
import { ecsService, taskDefinition } from "./app-service.js";
import { SCHEDULER_ROLE, schedulerRole, timerIds, timerSchedule, timerTaskDefinition } from "./app-timers.js";
import { type Json, type Template, type TemplateFragment, equals, getAtt, merge, not, ref, renderTemplate } from "./cfn.js";
import { certificateConditions, domainFragment, externalCertificateFragment, externalRecordFragment, type DomainValidation } from "./app-certificates.js";
import { commonNameOf } from "../manifest/domains.js";
import { appMetricNamespace } from "../names/index.js";
import { domainPriorityKey } from "../app-records/priorities.js";
import type { RackOutputs } from "../names/rack-outputs.js";
import { environmentDigest, withEnvironmentVersions } from "./app-environment.js";
import { appBudgetFragment, budgetRecord } from "./app-budget.js";
import { resourceClientGroups, resourceEndpointsLabel, resourceSecretArns, resourceSecrets, resourcesFragment } from "./app-resources.js";

export { appParameters, type AppParameterExtras } from "./app-parameters.js";

export interface AppStackInput {
  rack: string;
  app: string;
  manifest: Manifest;
  version: string;
  /** Listener rule priority per `"<service>:<kind>"` (src/app-records/priorities.ts). */
  priorities: Record<string, number>;
  /** The image of each service that is built (`build:`), by service name: the build's URI, never the manifest's. */
  images?: Readonly<Record<string, string>>;
  /** Which SSM parameter holds each variable of each service (`resolveEnvironment(...).services`); a service absent here gets none. */
  environment?: Readonly<Record<string, ServiceEnvironment>>;
  /**
   * The versions of the SSM parameters the containers read, as they will be after the deploy:
   * each task definition's label is a digest of its own (app-environment.ts). Absent: all 0.
   */
  parameterVersions?: ReadonlyMap<string, number>;
  /** When given, checked against CloudFormation's parameter size limit (it travels as RackCaCert). */
  caCertPem?: string;
  /** More variables for every container (values may be intrinsics such as the stack id); never secrets. */
  extraEnvironment?: Record<string, Json>;
  /** Where each `domain:` service's certificate comes from (src/app-steps/public-certificates.ts); absent: "outside". */
  domainValidation?: Readonly<Record<string, DomainValidation>>;
  /** The budget function's bundled code (src/functions/budget-shutdown/bundle.ts); needed when the manifest has `budget:`. */
  budgetFunctionCode?: string;
}

export interface RenderedAppStack {
  template: Template;
  /** The template as sent to CloudFormation (minified JSON). */
  body: string;
  /** What the stack uses of CloudFormation's quotas; over any, `renderAppStack` has already refused. */
  quotas: QuotaUse[];
  /** What the stack records about itself (its Metadata): read back by rack changes, `services`, the plan. */
  metadata: AppStackMetadata;
  /** The parameter values, from the rack's outputs and what comes from elsewhere (the CA, the Domain, the environment's version). */
  parameters(rackOutputs: RackOutputs, extras: AppParameterExtras): Record<string, string>;
}

/**
 * The whole app stack from the model in one call: template, Metadata, quotas checked
 * (a UserError names what does not fit, before anything is written).
 */
export function renderAppStack(input: AppStackInput): RenderedAppStack {
  const template = appTemplate(input);
  const body = renderTemplate(template);
  const quotas = checkAppQuotas(input.app, input.manifest, template, body);
  return { template, body, quotas, metadata: metadata(input), parameters: (rackOutputs, extras) => appParameters(rackOutputs, extras, template) };
}

/** The app template alone (what `renderAppStack` renders and measures). */
export function appTemplate(input: AppStackInput): Template {
  return withEnvironmentVersions(buildTemplate(input), environmentDigest(input.parameterVersions ?? new Map())).template;
}

function usedKinds(manifest: Manifest): Set<EndpointKind> {
  return new Set(manifest.services.flatMap((service) => endpointKinds(service)));
}

function buildTemplate(input: AppStackInput): Template {
  const { rack, app, manifest } = input;
  checkInput(input);
  const kinds = usedKinds(manifest);
  const template: Template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `racknet app ${app} on rack ${rack} (racknet ${input.version})`,
    Metadata: { [METADATA_KEY]: metadata(input) as unknown as Json },
    Parameters: appParameterDeclarations(
      kinds,
      manifest.services.filter((service) => service.domains.length > 0 && (input.domainValidation?.[service.name] ?? "outside") === "outside").map((service) => service.name),
    ),
    Conditions: { [EXEC_ENABLED]: equals(ref(AppParameter.Exec), "Yes"), ...(kinds.has("external") ? { [HAS_DOMAIN]: not(equals(ref(AppParameter.Domain), "")), ...certificateConditions() } : {}) },
    Resources: {
      [SERVICE_SECURITY_GROUP]: serviceSecurityGroup(rack, app, servedPorts(manifest.services), nlbServiceIngress(manifest.services)),
      [EXECUTION_ROLE]: executionRole(rack, app, resourceSecretArns(manifest)),
      [TASK_ROLE]: taskRole(rack, app, manifest.services.some(scalesOnQueueDepth)),
    },
    Outputs: {},
  };
  if (kinds.has("external")) merge(template, externalCertificateFragment(rack, app));
  const schemes = nlbSchemes(manifest);
  if (schemes.length > 0) {
    template.Parameters[NlbParameter.VpcCidr] = { Type: "String", Description: "The rack's VPC range: the internal network load balancer's sources and every one's way to the tasks" };
    if (schemes.includes("public")) template.Parameters[NlbParameter.PublicSubnets] = { Type: "String", Description: "Comma-separated public subnets: where the public network load balancer stands" };
    merge(template, nlbFragment(rack, app, manifest));
  }
  for (const service of manifest.services) merge(template, serviceFragment(input, service));
  mergeResources(template, resourcesFragment({ rack, app, manifest }), manifest.file);
  if (manifest.timers.length > 0) {
    template.Resources[SCHEDULER_ROLE] = schedulerRole(rack, app, manifest.timers.map((timer) => timer.name), manifest.services.some(scalesOnQueueDepth));
    for (const timer of manifest.timers) {
      const serviceTask = template.Resources[serviceIds(timer.service).taskDefinition];
      if (!serviceTask) throw new Error(`timer ${timer.name} runs on ${timer.service}, which is not a service`);
      const ids = timerIds(timer.name);
      merge(template, { Resources: { [ids.taskDefinition]: timerTaskDefinition(rack, app, timer, serviceTask), [ids.schedule]: timerSchedule(timer, resourceClientGroups(manifest, timer.service)) } });
    }
  }
  if (manifest.budget) {
    if (input.budgetFunctionCode === undefined) throw new Error("the app has a budget, and the budget function's code was not given");
    merge(template, appBudgetFragment(rack, app, manifest.budget, manifest.services, input.budgetFunctionCode));
  }
  return template;
}

function metadata({ app, rack, version, manifest }: AppStackInput): AppStackMetadata {
  return {
    app,
    rack,
    version,
    services: manifest.services.map((service) => ({
      name: service.name,
      visibility: visibility(service),
      ...(service.port ? { port: service.port.port } : {}),
      cpu: service.scale.cpu,
      memory: service.scale.memory,
      count: { min: service.scale.min, max: service.scale.max },
      ...(service.whitelist.length > 0 ? { whitelist: [...service.whitelist] } : {}),
      ...(service.domains.length > 0 ? { domains: [...service.domains] } : {}),
      ...(service.nlb.length > 0 ? { nlb: service.nlb.map(({ port, protocol, scheme, containerPort }) => ({ port, protocol, scheme, containerPort })) } : {}),
      ...(service.port && service.timeout !== undefined ? { timeout: service.timeout } : {}),
    })),
    timeoutsRecorded: true,
    ...((manifest.resources ?? []).length > 0
      ? {
          resources: (manifest.resources ?? []).map((resource) => ({
            name: resource.name,
            type: resource.type,
            engine: resource.engine,
            version: resource.version,
            class: resource.class,
            storage: resource.storage,
            durable: resource.durable,
            nodes: resource.nodes,
            services: [...resource.services],
          })),
        }
      : {}),
    ...(manifest.budget ? { budget: budgetRecord(rack, app, manifest.budget) } : {}),
  };
}

function serviceFragment(input: AppStackInput, service: Service) {
  const { rack, app, manifest } = input;
  const id = logicalName(service.name);
  const environment: Record<string, Json> = {
    ...linkEnvironment(service, manifest.services, app, rack),
    RACKNET_RACK: rack,
    RACKNET_APP: app,
    RACKNET_SERVICE: service.name,
    RACKNET_CA_CERT: ref(AppParameter.RackCaCert),
    ...(input.extraEnvironment ?? {}),
  };
  const secrets = input.environment?.[service.name] ?? { secrets: {}, empty: [] };
  const resourceEndpoints = resourceEndpointsLabel(manifest, service.name);
  const resourceInput = {
    rack,
    app,
    service,
    id,
    image: imageOf(input, service),
    environment,
    secrets,
    resourceSecrets: resourceSecrets(manifest, service.name),
    ...(resourceEndpoints !== undefined ? { resourceEndpoints } : {}),
    extraGroups: resourceClientGroups(manifest, service.name),
    publishesMetrics: manifest.services.some(scalesOnQueueDepth),
  };
  // One output per service (a stack holds 200): see serviceNameOutput.
  const outputs: Template["Outputs"] = {
    [serviceNameOutput(service.name)]: { Description: `${service.name}: ECS service name`, Value: getAtt(serviceIds(service.name).service, "Name") },
  };
  const kinds = endpointKinds(service);
  const fragments = kinds.map((kind) => serviceRoute({ rack, app, service, id, kind, priority: priorityFor(input, service.name, kind) }));
  if (kinds.includes("external")) fragments.push(externalRecordFragment(service.name, id, app));
  if (service.domains.length > 0) fragments.push(domainFragmentOf(input, service, id));
  return {
    Conditions: Object.assign({}, ...fragments.map((fragment) => fragment.Conditions ?? {})) as Record<string, Json>,
    Resources: {
      [serviceIds(service.name).taskDefinition]: taskDefinition(resourceInput),
      [serviceIds(service.name).service]: ecsService(resourceInput),
      ...scalingResources(service, id, appMetricNamespace(rack, app)),
      ...Object.assign({}, ...fragments.map((fragment) => fragment.Resources)),
    },
    Outputs: outputs,
  };
}

function domainFragmentOf(input: AppStackInput, service: Service, id: string) {
  const commonName = commonNameOf(service.domains);
  // The manifest rules refuse a list with no name short enough to lead a certificate.
  if (!commonName) throw new Error(`service ${service.name} has no domain name of at most 64 characters`);
  const priorities = service.domains.map((name) => {
    const priority = input.priorities[domainPriorityKey(service.name, name)];
    if (priority === undefined) throw new Error(`no listener rule priority for ${service.name}'s domain ${name}`);
    return priority;
  });
  return domainFragment({ rack: input.rack, app: input.app, service, id, commonName, validation: input.domainValidation?.[service.name] ?? "outside", priorities });
}

/** Resource names become logical ids too (`db-url` and `db`'s URL secret would both be ResourceDbUrl): refused, never overwritten. */
function mergeResources(template: Template, fragment: TemplateFragment, file: string): void {
  const clash = [...Object.keys(fragment.Resources ?? {}), ...Object.keys(fragment.Outputs ?? {})].find((id) => id in template.Resources || id in template.Outputs);
  if (clash) throw new UserError(`a resource and a service of ${file} would share the CloudFormation name ${clash}`, { fix: `rename the resource in ${file} (and its entries under services' resources:)` });
  merge(template, fragment);
}

/** A built service runs its build's image; `image:` alone is run as written. */
function imageOf(input: AppStackInput, service: Service): string {
  const built = input.images?.[service.name];
  if (built) return built;
  if (service.build) {
    throw new UserError(`service ${service.name} is built from ${service.build.path}, and no image was built for it`, {
      fix: `build and push the image, then deploy with its URI (or set services.${service.name}.image in ${input.manifest.file})`,
    });
  }
  return service.image ?? "";
}

function servedPorts(services: Service[]): { port: number; kind: EndpointKind }[] {
  // The load balancer reaches the service's port, and health.port when the check is elsewhere.
  const ports = (service: Service) => [...new Set([service.port?.port ?? 0, ...(service.health.port ? [service.health.port.port] : [])])];
  return services.flatMap((service) => (service.port ? endpointKinds(service).flatMap((kind) => ports(service).map((port) => ({ port, kind }))) : []));
}

function priorityFor(input: AppStackInput, service: string, kind: EndpointKind): number {
  const priority = input.priorities[`${service}:${kind}`];
  if (priority === undefined) throw new Error(`no listener rule priority for ${service}:${kind}`);
  return priority;
}

/** Problems the manifest rules do not see: logical-id clashes, the CA's size. */
function checkInput(input: AppStackInput): void {
  const byId = new Map<string, string>();
  for (const name of [...input.manifest.services.map((service) => service.name), ...input.manifest.timers.map((timer) => `timer ${timer.name}`)]) {
    const id = logicalName(name.replace(/^timer /, "timer-"));
    const clash = byId.get(id);
    if (clash) throw new UserError(`${clash} and ${name} would share the CloudFormation name ${id}`, { fix: `rename one of them in ${input.manifest.file}` });
    byId.set(id, name);
  }
  if (input.caCertPem && Buffer.byteLength(input.caCertPem) > PARAMETER_VALUE_MAX_BYTES) {
    throw new UserError(`the rack's CA certificate is ${Buffer.byteLength(input.caCertPem)} bytes; a CloudFormation parameter holds ${PARAMETER_VALUE_MAX_BYTES}`);
  }
}
