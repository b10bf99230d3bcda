/**
 * The public side of an app stack: the ACM certificates a browser accepts for its external
 * names, attached to the rack's external HTTPS listener, and the names themselves in the
 * rack's public zone (docs/decisions.md, "Public certificates").
 *
 * - `*.<app>.<Domain>` covers every `<service>.<app>.<Domain>`. With the rack's HostedZoneId
 *   it is a resource of this stack (CloudFormation writes its validation record in the zone
 *   and waits until ACM issues it), and each external service gets an alias record in the
 *   zone once the certificate is on the listener. Without a zone racknet requests it outside
 *   the stack and passes it in (ExternalCertificateArn) once issued: the stack never waits on
 *   a record a person has to create.
 * - A service's `domain:` names: one certificate for its names and one host rule per name,
 *   in the stack when every name is in the rack's zone ("stack"), else requested outside it
 *   and passed in once issued ("outside").
 * Pure.
 */
import type { Service } from "../manifest/model.js";
import { APP_TAG, CERT_TAG, RACK_TAG, SERVICE_TAG, appWildcardName } from "../names/index.js";
import { AppParameter, KindParameters, domainCertificateParameter } from "./app-contract.js";
import { HAS_DOMAIN } from "./app-endpoints.js";
import { routingIds, ruleConditions } from "./app-routing.js";
import { type Json, type Resource, type TemplateFragment, and, condition, equals, iff, not, or, ref, sub, tags } from "./cfn.js";

export const HAS_ZONE = "HasHostedZone";
export const HAS_EXTERNAL_CERTIFICATE = "HasExternalCertificate";
export const EXTERNAL_CERTIFICATE = "ExternalCertificate";
export const EXTERNAL_LISTENER_CERTIFICATE = "ExternalListenerCertificate";

/** Where a service's `domain:` certificate comes from: this stack (every name in the rack's zone) or racknet, outside it. */
export type DomainValidation = "stack" | "outside";

/** `HasHostedZone`: a Domain and its zone; `HasExternalCertificate`: the app's wildcard certificate exists and is issued. */
export function certificateConditions(): Record<string, Json> {
  return {
    [HAS_ZONE]: and(condition(HAS_DOMAIN), not(equals(ref(AppParameter.HostedZoneId), ""))),
    [HAS_EXTERNAL_CERTIFICATE]: or(condition(HAS_ZONE), and(condition(HAS_DOMAIN), not(equals(ref(AppParameter.ExternalCertificateArn), "")))),
  };
}

function certificateTags(rack: string, app: string, kind: "external" | "domain", service?: string): Json[] {
  return tags({ [RACK_TAG]: rack, [APP_TAG]: app, [CERT_TAG]: kind, ...(service ? { [SERVICE_TAG]: service } : {}) });
}

/** The names to validate, each through the zone: CloudFormation writes each one's CNAME there. */
function dnsValidated(names: readonly Json[]): Record<string, Json> {
  return {
    ValidationMethod: "DNS",
    DomainValidationOptions: names.map((name) => ({ DomainName: name, HostedZoneId: ref(AppParameter.HostedZoneId) })),
  };
}

/** The app's `*.<app>.<Domain>`: made here with a zone, else passed in; on the external listener once issued. */
export function externalCertificateFragment(rack: string, app: string): TemplateFragment {
  const wildcard = sub(appWildcardName(app, "${Domain}"), { Domain: ref(AppParameter.Domain) });
  return {
    Resources: {
      [EXTERNAL_CERTIFICATE]: {
        Type: "AWS::CertificateManager::Certificate",
        Condition: HAS_ZONE,
        Properties: { DomainName: wildcard, ...dnsValidated([wildcard]), Tags: certificateTags(rack, app, "external") },
      },
      [EXTERNAL_LISTENER_CERTIFICATE]: {
        Type: "AWS::ElasticLoadBalancingV2::ListenerCertificate",
        Condition: HAS_EXTERNAL_CERTIFICATE,
        Properties: {
          ListenerArn: ref(KindParameters.external.listener),
          Certificates: [{ CertificateArn: iff(HAS_ZONE, ref(EXTERNAL_CERTIFICATE), ref(AppParameter.ExternalCertificateArn)) }],
        },
      },
    },
  };
}

/** An alias record for a name, in the rack's zone, made once the certificate that covers it is on the listener. */
function aliasRecord(name: Json, after: string): Resource {
  return {
    Type: "AWS::Route53::RecordSet",
    Condition: HAS_ZONE,
    DependsOn: after,
    Properties: {
      HostedZoneId: ref(AppParameter.HostedZoneId),
      Name: name,
      Type: "A",
      AliasTarget: { DNSName: ref(KindParameters.external.dns), HostedZoneId: ref(KindParameters.external.zoneId), EvaluateTargetHealth: false },
    },
  };
}

/** `<service>.<app>.<Domain>.` in the zone, for an external service (the host its listener rule matches). */
export function externalRecordFragment(service: string, id: string, app: string): TemplateFragment {
  const name = sub(`${service}.${app}.\${Domain}.`, { Domain: ref(AppParameter.Domain) });
  return { Resources: { [routingIds(id, "external").record]: aliasRecord(name, EXTERNAL_LISTENER_CERTIFICATE) } };
}

export function domainIds(id: string, index: number): { rule: string; record: string } {
  return { rule: `${id}Domain${index + 1}ListenerRule`, record: `${id}Domain${index + 1}Record` };
}

export function domainCertificateIds(id: string): { certificate: string; listenerCertificate: string; issued: string } {
  return { certificate: `${id}DomainCertificate`, listenerCertificate: `${id}DomainListenerCertificate`, issued: `${id}DomainCertificateIssued` };
}

export interface DomainInput {
  rack: string;
  app: string;
  service: Service;
  id: string;
  /** The certificate's first name (at most 64 characters: manifest/domains.ts). */
  commonName: string;
  validation: DomainValidation;
  /** The rule priority of each name, in the order of `service.domains`. */
  priorities: readonly number[];
}

/**
 * A service's `domain:` names: a host rule per name to its external target group, its
 * certificate on the external listener, and (names in the zone) their alias records.
 */
export function domainFragment({ rack, app, service, id, commonName, validation, priorities }: DomainInput): TemplateFragment {
  const ids = domainCertificateIds(id);
  const targetGroup = routingIds(id, "external").targetGroup;
  const resources: Record<string, Resource> = {};
  service.domains.forEach((name, index) => {
    const priority = priorities[index];
    if (priority === undefined) throw new Error(`no listener rule priority for ${service.name}'s domain ${name}`);
    resources[domainIds(id, index).rule] = {
      Type: "AWS::ElasticLoadBalancingV2::ListenerRule",
      Properties: {
        ListenerArn: ref(KindParameters.external.listener),
        Priority: priority,
        Conditions: ruleConditions(name, service.whitelist),
        Actions: [{ Type: "forward", TargetGroupArn: ref(targetGroup) }],
      },
    };
  });
  const conditions: Record<string, Json> = {};
  if (validation === "stack") {
    const others = service.domains.filter((name) => name !== commonName);
    resources[ids.certificate] = {
      Type: "AWS::CertificateManager::Certificate",
      Condition: HAS_ZONE,
      Properties: {
        DomainName: commonName,
        ...(others.length > 0 ? { SubjectAlternativeNames: others } : {}),
        ...dnsValidated([...service.domains]),
        Tags: certificateTags(rack, app, "domain", service.name),
      },
    };
    resources[ids.listenerCertificate] = {
      Type: "AWS::ElasticLoadBalancingV2::ListenerCertificate",
      Condition: HAS_ZONE,
      Properties: { ListenerArn: ref(KindParameters.external.listener), Certificates: [{ CertificateArn: ref(ids.certificate) }] },
    };
    service.domains.forEach((name, index) => {
      resources[domainIds(id, index).record] = aliasRecord(`${name}.`, ids.listenerCertificate);
    });
  } else {
    conditions[ids.issued] = not(equals(ref(domainCertificateParameter(service.name)), ""));
    resources[ids.listenerCertificate] = {
      Type: "AWS::ElasticLoadBalancingV2::ListenerCertificate",
      Condition: ids.issued,
      Properties: { ListenerArn: ref(KindParameters.external.listener), Certificates: [{ CertificateArn: ref(domainCertificateParameter(service.name)) }] },
    };
  }
  return { Conditions: conditions, Resources: resources };
}
