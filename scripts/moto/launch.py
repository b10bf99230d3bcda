"""Start moto_server (moto 5.2) after patching the places where it departs from AWS.

Each patch restores one AWS behaviour that racknet's end-to-end tests rely on (see
../shared/MOTO.md). The rule: a patch makes moto behave like AWS, never like racknet
wants. Each function's docstring names the AWS behaviour it restores.

    python3 scripts/moto/launch.py --host 127.0.0.1 --port 5100
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation import responses as cfn_responses
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.subnets import SubnetRouteTableAssociation
from moto.ec2.models.core import TaggedEC2Resource
from moto.ecs import models as ecs_models
from moto.elbv2.models import elbv2_backends
from moto.route53 import models as route53_models
from moto.utilities.utils import get_partition

CloudFormationBackend = cfn_models.CloudFormationBackend
ResourceMap = cfn_parsing.ResourceMap


# --- CloudFormation: change sets -------------------------------------------------------


def _find_change_set(backend: Any, name_or_arn: str, stack_name: str | None = None) -> Any:
    """A change set by ARN, or by name within the given stack (names are per stack in AWS)."""
    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name != name_or_arn:
            continue
        if stack_name and stack_name not in (change_set.stack_name, change_set.stack_id):
            continue
        return change_set
    return None


def _resolved_parameters(template: dict[str, Any], parameters: dict[str, Any], stack: Any) -> dict[str, str]:
    """The template's parameters with defaults applied, as strings (what DescribeStacks shows)."""
    scratch = ResourceMap(
        stack.stack_id,
        stack.name,
        parameters,
        {},
        region_name=stack.region_name,
        account_id=stack.account_id,
        template=template,
        cross_stack_resources={},
    )
    scratch.load_mapping()
    scratch.load_parameters()
    return {key: _as_text(value) for key, value in scratch.resolved_parameters.items()}


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def restore_outputs_after_change_set() -> None:
    """AWS: executing a CREATE or UPDATE change set leaves the stack as CreateStack/UpdateStack
    would: DescribeStacks shows the new template's Outputs, Description, parameters and tags,
    its exports are registered, and EC2 resources carry the aws:cloudformation:* tags."""
    original = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = _find_change_set(self, change_set_name, stack_name)
        if change_set is None:
            raise cfn_models.ValidationError(stack_name or change_set_name)
        original(self, change_set.change_set_id, stack_name)
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = dict(stack.resource_map.input_parameters)
        if change_set.tags:
            stack.tags = dict(change_set.tags)
        stack.output_map = stack._create_output_map()
        for name, export in list(self.exports.items()):
            if export.exporting_stack_id == stack.stack_id:
                del self.exports[name]
        for export in stack.exports:
            self.exports[export.name] = export
        _tag_ec2_resources(stack)

    CloudFormationBackend.execute_change_set = execute_change_set


def _tag_ec2_resources(stack: Any) -> None:
    resource_map = stack.resource_map
    backend = ec2_backends[stack.account_id][stack.region_name]
    for logical_id in list(resource_map.resources):
        instance = resource_map._parsed_resources.get(logical_id)
        if not isinstance(instance, TaggedEC2Resource):
            continue
        tags = dict(stack.tags)
        tags.update(
            {
                "aws:cloudformation:stack-name": stack.name,
                "aws:cloudformation:stack-id": stack.stack_id,
                "aws:cloudformation:logical-id": logical_id,
            }
        )
        backend.create_tags([instance.physical_resource_id], tags)


def restore_executed_change_sets_leave_list() -> None:
    """AWS: ListChangeSets lists the change sets of the named stack only, and once a change
    set is executed CloudFormation deletes every change set of that stack, so none is listed.
    (DescribeChangeSet by ARN keeps answering for the executed one.)"""
    original_execute = CloudFormationBackend.execute_change_set
    original_describe = CloudFormationBackend.describe_change_set
    original_delete = CloudFormationBackend.delete_change_set

    def executed(self: Any) -> dict[str, Any]:
        if not hasattr(self, "_racknet_executed_change_sets"):
            self._racknet_executed_change_sets = {}
        return self._racknet_executed_change_sets

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = _find_change_set(self, change_set_name, stack_name)
        original_execute(self, change_set_name, stack_name)
        if change_set is None:
            return
        executed(self)[change_set.change_set_id] = change_set
        for change_set_id, other in list(self.change_sets.items()):
            if other.stack_id == change_set.stack_id:
                del self.change_sets[change_set_id]

    def describe_change_set(self: Any, change_set_name: str) -> Any:
        if change_set_name in executed(self):
            return executed(self)[change_set_name]
        return original_describe(self, change_set_name)

    def delete_change_set(self: Any, change_set_name: str) -> None:
        if executed(self).pop(change_set_name, None) is not None:
            return
        if _find_change_set(self, change_set_name) is None:
            raise cfn_models.ValidationError(change_set_name)
        original_delete(self, change_set_name)

    def list_change_sets(self: Any) -> Any:
        stack_name = self._get_param("StackName")
        summaries = [
            change_set
            for change_set in self.cloudformation_backend.list_change_sets()
            if not stack_name or stack_name in (change_set.stack_name, change_set.stack_id)
        ]
        return cfn_responses.ActionResult({"Summaries": summaries})

    CloudFormationBackend.execute_change_set = execute_change_set
    CloudFormationBackend.describe_change_set = describe_change_set
    CloudFormationBackend.delete_change_set = delete_change_set
    cfn_responses.CloudFormationResponse.list_change_sets = list_change_sets


def restore_condition_aware_updates() -> None:
    """AWS: an update (UpdateStack or a change set, also with UsePreviousTemplate and new
    parameter values) creates the resources whose Condition became true, deletes those whose
    Condition became false, and updates those whose properties resolve differently (a changed
    parameter they Ref or Sub, a Fn::If on a changed condition). DescribeChangeSet lists those
    changes. moto diffs only the template text, so a parameter-only update does nothing; it
    also saw a resource without Properties as modified on every update (an ECS cluster was
    replaced), kept removed resources in the stack, and failed a stack delete when a resource
    was already gone (AWS skips it)."""

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, list[str]]:
        old = self._resource_json_map
        new = other_template.get("Resources", {})
        new_parameters = parameters if parameters is not None else self.input_parameters
        old_conditions = _conditions_of(self, self._template, self.input_parameters)
        new_conditions = _conditions_of(self, other_template, new_parameters)
        old_values = {key: _as_text(value) for key, value in self.resolved_parameters.items()}
        new_values = _resolved_values(self, other_template, new_parameters)
        changed = {key for key in set(old_values) | set(new_values) if old_values.get(key) != new_values.get(key)}
        changed |= {name for name in set(old_conditions) | set(new_conditions) if old_conditions.get(name) != new_conditions.get(name)}

        def active(resource: dict[str, Any], conditions: dict[str, bool]) -> bool:
            condition = resource.get("Condition")
            return not condition or bool(conditions.get(condition))

        def same(name: str) -> bool:
            # moto adds "Properties": {} to the stored template when it parses a resource.
            return {"Properties": {}, **old[name]} == {"Properties": {}, **new[name]}

        existed = {name for name, resource in old.items() if active(resource, old_conditions)}
        wanted = {name for name, resource in new.items() if active(resource, new_conditions)}
        modify = [
            name
            for name in new
            if name in existed and name in wanted and (not same(name) or _uses_any(new[name], changed))
        ]
        return {
            "Add": [name for name in new if name in wanted and name not in existed],
            "Modify": modify,
            "Remove": [name for name in old if name in existed and name not in wanted],
        }

    original_diff = cfn_models.ChangeSet.diff

    def diff(self: Any) -> Any:
        # Compute the change set's changes with its parameters, as AWS does.
        resource_map = self.stack.resource_map
        saved = resource_map.build_change_set_actions
        resource_map.build_change_set_actions = lambda template: _change_set_actions(resource_map, template, self.parameters)
        try:
            return original_diff(self)
        finally:
            resource_map.build_change_set_actions = saved

    original_update = ResourceMap.update

    def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        removed = self.build_resource_diff(template, parameters)["Remove"]
        original_update(self, template, parameters)
        # A removed resource is gone: a later stack delete must not try to delete it again.
        for name in removed:
            self._parsed_resources.pop(name, None)

    original_delete_resource = ResourceMap._delete_resource

    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        try:
            original_delete_resource(self, parsed_resource, resource_json)
        except Exception as error:
            text = f"{type(error).__name__} {getattr(error, 'error_type', '')} {error}"
            if "NotFound" not in text and "does not exist" not in text:
                raise

    ResourceMap.build_resource_diff = build_resource_diff
    ResourceMap.update = update
    ResourceMap._delete_resource = delete_resource
    cfn_models.ChangeSet.diff = diff


def _change_set_actions(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    names = resource_map.build_resource_diff(template, parameters)
    result: dict[str, dict[str, dict[str, str]]] = {"Add": {}, "Modify": {}, "Remove": {}}
    for action in ("Add", "Modify"):
        for name in names[action]:
            result[action][name] = {"LogicalResourceId": name, "ResourceType": template["Resources"][name]["Type"]}
    for name in names["Remove"]:
        result["Remove"][name] = {"LogicalResourceId": name, "ResourceType": resource_map._resource_json_map[name]["Type"]}
    return result


def _scratch_map(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> Any:
    scratch = ResourceMap(
        resource_map.stack_id,
        resource_map["AWS::StackName"],
        parameters,
        {},
        region_name=resource_map._region_name,
        account_id=resource_map._account_id,
        template=template,
        cross_stack_resources=resource_map.cross_stack_resources,
    )
    scratch.load_mapping()
    scratch.load_parameters()
    scratch.load_conditions()
    return scratch


def _conditions_of(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, bool]:
    if not template or not template.get("Conditions"):
        return {}
    scratch = _scratch_map(resource_map, template, parameters)
    return {name: bool(scratch.lazy_condition_map[name]) for name in template["Conditions"]}


def _resolved_values(resource_map: Any, template: dict[str, Any], parameters: dict[str, Any]) -> dict[str, str]:
    if not template:
        return {}
    scratch = _scratch_map(resource_map, template, parameters)
    return {key: _as_text(value) for key, value in scratch.resolved_parameters.items()}


def _uses_any(node: Any, names: set[str]) -> bool:
    """Whether a resource's JSON refers (Ref, Fn::Sub, Fn::If) to any of these parameters/conditions."""
    if not names:
        return False
    if isinstance(node, list):
        return any(_uses_any(item, names) for item in node)
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        # Only strings name parameters or conditions: an IAM policy's "Condition" is a map.
        if key in ("Ref", "Condition") and isinstance(value, str) and value in names:
            return True
        if key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str) and value[0] in names:
            return True
        if key == "Fn::Sub":
            text = value[0] if isinstance(value, list) and value else value
            if isinstance(text, str) and any("${" + name + "}" in text for name in names):
                return True
        if _uses_any(value, names):
            return True
    return False


def restore_empty_change_set_status() -> None:
    """AWS: CreateChangeSet for an update that changes nothing (same template, same resolved
    parameter values, same tags) succeeds and the change set ends FAILED with the reason
    "The submitted information didn't contain changes...". moto refuses CreateChangeSet with
    "No updates are to be performed" when parameters are passed, and compares unresolved
    parameters otherwise."""
    original = CloudFormationBackend.create_change_set
    no_changes = (
        "The submitted information didn't contain changes. "
        "Submit different information to create a change set."
    )

    def create_change_set(self: Any, stack_name: str, change_set_name: str, template: str, parameters: dict[str, str], description: str, change_set_type: str, notification_arns: Any = None, tags: Any = None, role_arn: Any = None) -> Any:
        result = original(self, stack_name, change_set_name, template, parameters, description, change_set_type, notification_arns, tags, role_arn)
        change_set = self.change_sets[result[0]]
        if change_set_type == "UPDATE":
            stack = change_set.stack
            unchanged = (
                stack.template_dict == change_set.template_dict
                and _resolved_parameters(stack.template_dict, stack.resource_map.input_parameters, stack)
                == _resolved_parameters(change_set.template_dict, parameters, stack)
                and (not tags or dict(tags) == dict(stack.tags))
            )
            if unchanged:
                change_set.status, change_set.execution_status, change_set.status_reason = "FAILED", "UNAVAILABLE", no_changes
            else:
                change_set.status, change_set.execution_status, change_set.status_reason = "CREATE_COMPLETE", "AVAILABLE", None
        return result

    CloudFormationBackend.create_change_set = create_change_set
    cfn_responses.CloudFormationResponse._validate_different_update = lambda self, *args, **kwargs: None


# --- EC2 ----------------------------------------------------------------------------


def restore_subnet_route_table_association() -> None:
    """AWS: an AWS::EC2::SubnetRouteTableAssociation made by CloudFormation is a real
    association: DescribeRouteTables lists it under Associations and finds the table with the
    association.subnet-id filter; Ref gives the association id; changing RouteTableId moves the
    subnet to the new table; deleting the resource disassociates the subnet."""

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        route_table_id, subnet_id = properties["RouteTableId"], properties["SubnetId"]
        backend.get_route_table(route_table_id)
        association_id = backend.associate_route_table(route_table_id, subnet_id=subnet_id)
        association = cls(route_table_id, subnet_id)
        association.association_id = association_id
        return association

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        if original_resource is not None and properties["SubnetId"] == original_resource.subnet_id:
            new_id = backend.replace_route_table_association(original_resource.association_id, properties["RouteTableId"])
            association = cls(properties["RouteTableId"], properties["SubnetId"])
            association.association_id = new_id
            return association
        if original_resource is not None:
            original_resource.delete(account_id, region_name)
        return create(cls, new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self: Any, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        try:
            backend.disassociate_route_table(self.association_id)
        except Exception:  # already gone with its route table or subnet
            pass

    SubnetRouteTableAssociation.create_from_cloudformation_json = classmethod(create)
    SubnetRouteTableAssociation.update_from_cloudformation_json = classmethod(update)
    SubnetRouteTableAssociation.delete = delete
    SubnetRouteTableAssociation.physical_resource_id = property(lambda self: getattr(self, "association_id", self.route_table_id))
    SubnetRouteTableAssociation.association_id = None


# --- Route 53 -----------------------------------------------------------------------


def restore_private_hosted_zones() -> None:
    """AWS: an AWS::Route53::HostedZone with VPCs is a private zone associated with those VPCs
    (GetHostedZone lists them, Config.PrivateZone is true, ListHostedZonesByVPC finds it), its
    name ends with a dot, HostedZoneConfig.Comment is kept, an update that changes VPCs
    associates/disassociates them in place (a new Name replaces the zone), and deleting the
    stack deletes the zone. Record sets find their zone by HostedZoneName with or without the
    final dot."""
    FakeZone = route53_models.FakeZone

    def backend_for(account_id: str, region_name: str) -> Any:
        return route53_models.route53_backends[account_id][get_partition(region_name)]

    def zone_name(name: str) -> str:
        return name if name.endswith(".") else name + "."

    def vpcs_of(properties: dict[str, Any], region_name: str) -> list[tuple[str, str]]:
        # AWS::NoValue inside a list drops the item in AWS; moto leaves a None there.
        return [(vpc["VPCId"], vpc.get("VPCRegion", region_name)) for vpc in properties.get("VPCs") or [] if vpc]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        vpcs = vpcs_of(properties, region_name)
        comment = (properties.get("HostedZoneConfig") or {}).get("Comment")
        zone = backend_for(account_id, region_name).create_hosted_zone(
            zone_name(properties.get("Name", resource_name)), private_zone=bool(vpcs), comment=comment
        )
        for vpc_id, vpc_region in vpcs:
            zone.add_vpc(vpc_id, vpc_region)
        return zone

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        if original_resource is None or zone_name(properties.get("Name", new_resource_name)) != original_resource.name:
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return create(cls, new_resource_name, cloudformation_json, account_id, region_name)
        wanted = vpcs_of(properties, region_name)
        original_resource.vpcs = [{"vpc_id": vpc_id, "vpc_region": vpc_region} for vpc_id, vpc_region in wanted]
        original_resource.comment = (properties.get("HostedZoneConfig") or {}).get("Comment")
        return original_resource

    def delete(self: Any, account_id: str, region_name: str) -> None:
        backend = backend_for(account_id, region_name)
        self.rrsets = [record for record in self.rrsets if record.type in ("NS", "SOA")]
        backend.zones.pop(self.resource_id, None)

    original_by_name = route53_models.Route53Backend.get_hosted_zone_by_name

    def get_hosted_zone_by_name(self: Any, name: str) -> Any:
        return original_by_name(self, name) or (original_by_name(self, zone_name(name)) if name else None)

    FakeZone.create_from_cloudformation_json = classmethod(create)
    FakeZone.update_from_cloudformation_json = classmethod(update)
    FakeZone.delete = delete
    route53_models.Route53Backend.get_hosted_zone_by_name = get_hosted_zone_by_name


# --- ECS ----------------------------------------------------------------------------


def _lower_camel(node: Any) -> Any:
    """CloudFormation's PascalCase property shapes are the ECS API's camelCase ones."""
    if isinstance(node, list):
        return [_lower_camel(item) for item in node]
    if isinstance(node, dict):
        return {key[:1].lower() + key[1:]: _lower_camel(value) for key, value in node.items()}
    return node


def restore_ecs_service_properties() -> None:
    """AWS: an AWS::ECS::Service keeps LaunchType, NetworkConfiguration, LoadBalancers,
    PlatformVersion, PropagateTags, ServiceRegistries, DeploymentController and Tags
    (DescribeServices shows them), and an update that changes the network configuration or
    load balancers applies them in place with a new deployment; a new LaunchType or cluster
    replaces the service. GetAtt ServiceArn is supported."""
    Service = ecs_models.Service

    def api_properties(properties: dict[str, Any]) -> dict[str, Any]:
        network = properties.get("NetworkConfiguration")
        return {
            "launch_type": properties.get("LaunchType"),
            "network_configuration": _lower_camel(network) if network else None,
            "load_balancers": _lower_camel(properties.get("LoadBalancers")) if properties.get("LoadBalancers") else None,
            "platform_version": properties.get("PlatformVersion"),
            "propagate_tags": properties.get("PropagateTags") or "NONE",
            "service_registries": _lower_camel(properties.get("ServiceRegistries")) if properties.get("ServiceRegistries") else None,
            "deployment_controller": _lower_camel(properties.get("DeploymentController")) if properties.get("DeploymentController") else None,
            "tags": _lower_camel(properties.get("Tags")) if properties.get("Tags") else None,
            "scheduling_strategy": properties.get("SchedulingStrategy"),
        }

    def names(properties: dict[str, Any]) -> tuple[str, str | None]:
        cluster = properties.get("Cluster", "default")
        cluster = cluster.name if isinstance(cluster, ecs_models.Cluster) else cluster
        task_definition = properties.get("TaskDefinition")
        if isinstance(task_definition, ecs_models.TaskDefinition):
            task_definition = task_definition.arn
        return cluster, task_definition

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        cluster, task_definition = names(properties)
        backend = ecs_models.ecs_backends[account_id][region_name]
        return backend.create_service(
            cluster,
            resource_name,
            properties.get("DesiredCount"),
            task_definition_str=task_definition,
            **api_properties(properties),
        )

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json["Properties"]
        cluster, task_definition = names(properties)
        backend = ecs_models.ecs_backends[account_id][region_name]
        wanted = api_properties(properties)
        same_cluster = original_resource is not None and original_resource.cluster_name == backend._get_cluster(cluster).name
        same_launch_type = original_resource is not None and (wanted["launch_type"] or "EC2") == original_resource.launch_type
        if not (same_cluster and same_launch_type):
            if original_resource is not None and original_resource.status == "ACTIVE":
                backend.delete_service(original_resource.cluster_name, original_resource.name, force=True)
            return create(cls, new_resource_name, cloudformation_json, account_id, region_name)
        service = backend.update_service(
            {
                "cluster": cluster,
                "service": original_resource.name,
                "task_definition": task_definition,
                "desired_count": properties.get("DesiredCount"),
            }
        )
        network = wanted["network_configuration"]
        service.network_configuration = service._validate_network(network) if network else {}
        service.load_balancers = wanted["load_balancers"] or []
        service.platform_version = wanted["platform_version"]
        service.propagate_tags = wanted["propagate_tags"]
        service.service_registries = wanted["service_registries"] or []
        if service.deployments:
            deployment = service.deployments[0]
            deployment["id"] = f"ecs-svc/{ecs_models.mock_random.randint(0, 32**12)}"
            deployment["networkConfiguration"] = network
            deployment["taskDefinition"] = service.task_definition
            deployment["desiredCount"] = service.desired_count
            deployment["updatedAt"] = ecs_models.utcnow()
        return service

    def get_cfn_attribute(self: Any, attribute_name: str) -> str:
        if attribute_name == "Name":
            return self.name
        if attribute_name == "ServiceArn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    Service.create_from_cloudformation_json = classmethod(create)
    Service.update_from_cloudformation_json = classmethod(update)
    Service.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Name", "ServiceArn"))
    Service.get_cfn_attribute = get_cfn_attribute


# --- ELBv2 --------------------------------------------------------------------------


class ListenerCertificate(CloudFormationModel):
    """AWS::ElasticLoadBalancingV2::ListenerCertificate (moto has none: it skipped the resource)."""

    # moto files every model under the service named by its module (moto.<service>.models).
    __module__ = "moto.elbv2.racknet_listener_certificate"

    def __init__(self, listener_arn: str, certificate_arns: list[str]):
        self.listener_arn = listener_arn
        self.certificate_arns = certificate_arns
        self.id = f"{listener_arn}|{','.join(certificate_arns)}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ElasticLoadBalancingV2::ListenerCertificate"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @property
    def physical_resource_id(self) -> str:
        return self.id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "ListenerCertificate":  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        certificates = [{"CertificateArn": c["CertificateArn"]} for c in properties.get("Certificates", [])]
        elbv2_backends[account_id][region_name].add_listener_certificates(properties["ListenerArn"], certificates)
        return cls(properties["ListenerArn"], [c["CertificateArn"] for c in certificates])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "ListenerCertificate":  # type: ignore[misc]
        if original_resource is not None:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            elbv2_backends[account_id][region_name].remove_listener_certificates(
                self.listener_arn, [{"CertificateArn": arn} for arn in self.certificate_arns]
            )
        except Exception:  # the listener went first
            pass


def restore_listener_certificates() -> None:
    """AWS: AWS::ElasticLoadBalancingV2::ListenerCertificate adds certificates to a listener
    (DescribeListenerCertificates lists them) and deleting it removes them."""
    cfn_parsing.get_model_list.cache_clear()
    cfn_parsing.get_model_map.cache_clear()
    cfn_parsing.get_name_type_map.cache_clear()
    assert ListenerCertificate in cfn_parsing.get_model_list()


def restore_resources_kept_on_update() -> None:
    """AWS: a resource that an update modifies stays in the stack (updated in place or
    replaced). moto stores None for types it cannot update, so the resource drops out of
    ListStackResources and every Ref to it breaks; keep the existing resource instead."""
    original = cfn_parsing.parse_and_update_resource

    def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        updated = original(logical_id, resource_json, resources_map, account_id, region_name)
        if updated is None and logical_id in resources_map._parsed_resources:
            return resources_map._parsed_resources[logical_id]
        return updated

    cfn_parsing.parse_and_update_resource = parse_and_update_resource


def restore_load_balancer_attributes() -> None:
    """AWS: Fn::GetAtt of an AWS::ElasticLoadBalancingV2::LoadBalancer gives
    CanonicalHostedZoneID (what DescribeLoadBalancers shows), LoadBalancerFullName
    (app|net/NAME/ID, the tail of the ARN) and SecurityGroups, not an unresolved GetAtt."""
    from moto.elbv2.models import FakeLoadBalancer

    original = FakeLoadBalancer.get_cfn_attribute

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "CanonicalHostedZoneID":
            return self.canonical_hosted_zone_id
        if attribute_name == "LoadBalancerFullName":
            return self.arn.split(":loadbalancer/", 1)[-1]
        if attribute_name == "SecurityGroups":
            return list(self.security_groups or [])
        return original(self, attribute_name)

    FakeLoadBalancer.get_cfn_attribute = get_cfn_attribute


def restore_ssm_parameter_attributes() -> None:
    """AWS: Fn::GetAtt of an AWS::SSM::Parameter gives its Type and Value. In moto the GetAtt
    raised inside DescribeStacks, which then silently dropped every Output of the stack."""
    from moto.ssm.models import Parameter

    def get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "Value":
            return self.value
        if attribute_name == "Type":
            return self.type
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    Parameter.get_cfn_attribute = get_cfn_attribute
    Parameter.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Type", "Value"))


def _deleting(action: Any) -> Any:
    """A `delete(account_id, region_name)` for a model: runs the backend call; a resource that is
    already gone counts as deleted, a dependency error is raised so that moto retries it after
    the resources that depend on it."""

    def delete(self: Any, account_id: str, region_name: str) -> None:
        try:
            action(self, account_id, region_name)
        except Exception as error:  # moto's not-found errors have no common base
            name = type(error).__name__ + " " + str(getattr(error, "error_type", ""))
            if "Dependency" in name or "InUse" in name or "ResourceInUse" in str(error):
                raise

    return delete


def restore_deletion_of_stack_resources() -> None:
    """AWS: deleting a stack (or removing a resource in an update, as Private=No removes the
    NAT gateways) deletes NAT gateways, Elastic IPs, routes, route tables, internet gateways and
    their attachments, ECS services and clusters, target groups, listeners and listener rules.
    moto has no delete for these types, so they outlived their stack."""
    from moto.ec2.models.elastic_ip_addresses import ElasticAddress
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.route_tables import Route, RouteTable
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment
    from moto.elbv2.models import FakeListener, FakeListenerRule, FakeTargetGroup

    def ec2(account_id: str, region_name: str) -> Any:
        return ec2_backends[account_id][region_name]

    def elbv2(account_id: str, region_name: str) -> Any:
        return elbv2_backends[account_id][region_name]

    def ecs(account_id: str, region_name: str) -> Any:
        return ecs_models.ecs_backends[account_id][region_name]

    def detach(self: Any, account_id: str, region_name: str) -> None:
        if self.gateway_id and self.gateway_id.startswith("igw-"):
            ec2(account_id, region_name).detach_internet_gateway(self.gateway_id, self.vpc_id)

    def delete_service(self: Any, account_id: str, region_name: str) -> None:
        if self.status == "ACTIVE":
            ecs(account_id, region_name).delete_service(self.cluster_name, self.name, force=True)

    deletions = {
        NatGateway: lambda self, a, r: ec2(a, r).delete_nat_gateway(self.id),
        ElasticAddress: lambda self, a, r: ec2(a, r).release_address(allocation_id=self.allocation_id) if self.allocation_id else ec2(a, r).release_address(address=self.public_ip),
        Route: lambda self, a, r: ec2(a, r).delete_route(self.route_table.id, self.destination_cidr_block, self.destination_ipv6_cidr_block),
        RouteTable: lambda self, a, r: ec2(a, r).delete_route_table(self.id),
        VPCGatewayAttachment: detach,
        InternetGateway: lambda self, a, r: ec2(a, r).delete_internet_gateway(self.id),
        ecs_models.Service: delete_service,
        ecs_models.Cluster: lambda self, a, r: ecs(a, r).delete_cluster(self.name),
        FakeTargetGroup: lambda self, a, r: elbv2(a, r).delete_target_group(self.arn),
        FakeListener: lambda self, a, r: elbv2(a, r).delete_listener(self.arn),
        FakeListenerRule: lambda self, a, r: elbv2(a, r).delete_rule(self.arn),
    }
    for model, action in deletions.items():
        model.delete = _deleting(action)


# --- EC2: network interfaces of Fargate tasks --------------------------------------------


def restore_eni_private_dns_name() -> None:
    """AWS gives every network interface a private DNS name (ip-10-0-1-5.ec2.internal).

    moto sets one only when the VPC has DNS host names enabled through the EC2 API, so an
    ECS RunTask in awsvpc mode (which reports the name) fails with a 500 for a VPC made by
    CloudFormation. The name is derived from the interface's private IP when unset.
    """
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ec2.utils import generate_dns_from_ip

    def get(self: Any) -> str:
        stored = self.__dict__.get("_private_dns_name")
        return stored if stored is not None else generate_dns_from_ip(self.private_ip_address)

    def set_(self: Any, value: str) -> None:
        self.__dict__["_private_dns_name"] = value

    NetworkInterface.private_dns_name = property(get, set_)  # type: ignore[attr-defined]


def restore_fargate_task_level_memory() -> None:
    """AWS: a Fargate task definition may set memory at the task level only; its containers need none.

    moto's RunTask adds up each container's memory and fails with a 500 on a container
    without one. Containers without memory count as 0 in that sum (the task's own memory
    is what Fargate reserves); the stored task definition is left as it was given.
    """
    backend_class = ecs_models.EC2ContainerServiceBackend
    original = backend_class._calculate_task_resource_requirements

    def calculate(task_definition: Any) -> dict[str, Any]:
        given = task_definition.container_definitions
        memory_keys = ("Memory", "MemoryReservation", "memory", "memoryReservation")
        task_definition.container_definitions = [
            c if any(c.get(key) is not None for key in memory_keys) else {**c, "memory": 0} for c in given
        ]
        try:
            return original(task_definition)
        finally:
            task_definition.container_definitions = given

    backend_class._calculate_task_resource_requirements = staticmethod(calculate)


def restore_task_definition_properties() -> None:
    """AWS keeps an AWS::ECS::TaskDefinition's NetworkMode, RequiresCompatibilities, Cpu, Memory and roles.

    moto's CloudFormation model registers only the family, containers, volumes and memory,
    so a Fargate task definition comes back as an EC2 one in bridge mode and its tasks get
    no network interface.
    """
    model = ecs_models.TaskDefinition

    def with_properties(task_definition: Any, cloudformation_json: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        compatibilities = properties.get("RequiresCompatibilities")
        if compatibilities:
            task_definition.requires_compatibilities = compatibilities
            task_definition.compatibilities = ["EC2", "FARGATE"] if "FARGATE" in compatibilities else ["EC2"]
        if properties.get("NetworkMode"):
            task_definition.network_mode = properties["NetworkMode"]
        elif compatibilities and "FARGATE" in compatibilities:
            task_definition.network_mode = "awsvpc"
        for attribute, key in (("cpu", "Cpu"), ("memory", "Memory"), ("execution_role_arn", "ExecutionRoleArn"), ("task_role_arn", "TaskRoleArn")):
            if properties.get(key) is not None:
                setattr(task_definition, attribute, str(properties[key]) if key in ("Cpu", "Memory") else properties[key])
        return task_definition

    create = model.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    update = model.update_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_with_properties(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        return with_properties(create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs), cloudformation_json)

    def update_with_properties(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        return with_properties(update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name), cloudformation_json)

    model.create_from_cloudformation_json = classmethod(create_with_properties)  # type: ignore[assignment]
    model.update_from_cloudformation_json = classmethod(update_with_properties)  # type: ignore[assignment]


def restore_task_definition_revisions() -> None:
    """AWS: updating an AWS::ECS::TaskDefinition (a new image, say) registers a new revision
    with the new container definitions, as creating one does (DescribeTaskDefinition shows
    image, name, port mappings...), and the old revision is deregistered. moto registered the
    template's PascalCase container definitions as they were, so the new revision had no image."""
    model = ecs_models.TaskDefinition

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        containers = ecs_models.remap_nested_keys(properties.get("ContainerDefinitions", []), ecs_models.pascal_to_camelcase)
        volumes = ecs_models.remap_nested_keys(properties.get("Volumes", []), ecs_models.pascal_to_camelcase)
        same = (
            original_resource.family == properties.get("Family", original_resource.family)
            and original_resource.container_definitions == containers
            and (original_resource.volumes or []) == (volumes or [])
        )
        if same:
            return original_resource
        revision = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        ecs_models.ecs_backends[account_id][region_name].deregister_task_definition(original_resource.arn)
        return revision

    model.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]


def _refers_to(node: Any, name: str) -> bool:
    """Whether a resource's JSON takes a value from resource `name` (Ref, Fn::GetAtt, Fn::Sub)."""
    if isinstance(node, list):
        return any(_refers_to(item, name) for item in node)
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if key == "Ref" and value == name:
            return True
        if key == "Fn::GetAtt" and ((isinstance(value, list) and value and value[0] == name) or (isinstance(value, str) and value.split(".")[0] == name)):
            return True
        if key == "Fn::Sub":
            text = value[0] if isinstance(value, list) and value else value
            if isinstance(text, str) and ("${" + name + "}" in text or "${" + name + "." in text):
                return True
        if _refers_to(value, name):
            return True
    return False


def restore_updates_of_dependents() -> None:
    """AWS: when an update modifies a resource whose Ref or attributes change with it (an
    AWS::ECS::TaskDefinition is replaced by a new revision when its image changes), every
    resource that takes a value from it is updated too, after it (the ECS service moves to the
    new revision), and the change set lists those as Modify. moto updated only the resources
    whose own template text changed, so the service kept running the old task definition."""
    previous = ResourceMap.build_resource_diff

    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, list[str]]:
        result = previous(self, other_template, parameters)
        new = other_template.get("Resources") or {}
        modify = list(result["Modify"])
        untouched = [
            name
            for name in new
            if name not in modify and name not in result["Add"] and name not in result["Remove"] and self._parsed_resources.get(name) is not None
        ]
        pending = list(modify)
        while pending:
            changed = pending.pop(0)
            for name in [candidate for candidate in untouched if _refers_to(new[candidate], changed)]:
                untouched.remove(name)
                modify.append(name)
                pending.append(name)
        return {**result, "Modify": modify}

    ResourceMap.build_resource_diff = build_resource_diff


# --- CloudFormation: a resource that fails rolls the operation back -----------------------


def _journal(resource_map: Any) -> list[tuple[str, str]]:
    """What the running stack operation did to each resource, in order: (created|updated|deleted, logical id)."""
    if not hasattr(resource_map, "_racknet_journal"):
        resource_map._racknet_journal = []
    return resource_map._racknet_journal


def _error_text(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error)
    code = getattr(error, "error_type", None) or getattr(error, "code", None)
    return f"{message} (Service error code: {code})" if isinstance(code, str) and code and code not in message else str(message)


def _resource_event(stack: Any, logical_id: str, resource_type: str, status: str, physical_id: str = "", reason: str | None = None) -> None:
    stack.events.append(cfn_models.Event(stack.stack_id, stack.name, logical_id, physical_id or "", resource_type, status, reason, None))


def _physical_id(resource: Any) -> str:
    try:
        return str(getattr(resource, "physical_resource_id", "") or "")
    except Exception:  # a half-made resource may not know its id
        return ""


class _Snapshot:
    """A stack before an update: its template, parameters and resources (what a rollback puts back)."""

    def __init__(self, stack: Any) -> None:
        resource_map = stack.resource_map
        self.template = stack.template
        self.template_dict = stack.template_dict
        self.map_template = resource_map._template
        self.json = resource_map._resource_json_map
        self.input_parameters = dict(resource_map.input_parameters or {})
        self.parsed = dict(resource_map._parsed_resources)
        self.parameters = stack.parameters
        _journal(resource_map).clear()


def _fail_and_roll_back(stack: Any, error: Exception, snapshot: _Snapshot | None) -> None:
    """Record the failed resource, undo what the operation did, and leave the stack where AWS would."""
    resource_map = stack.resource_map
    journal = list(_journal(resource_map))
    new_json = resource_map._resource_json_map
    failed = getattr(error, "_racknet_failed_resource", None)
    verb = "create" if snapshot is None else "update"
    if failed:
        logical_id, resource_type, status = failed
        _resource_event(stack, logical_id, resource_type, status, reason=_error_text(error))
        verb = "create" if status == "CREATE_FAILED" else "update"
        stack_reason = f"The following resource(s) failed to {verb}: [{logical_id}]. "
    else:
        stack_reason = _error_text(error)
    prefix = "ROLLBACK" if snapshot is None else "UPDATE_ROLLBACK"
    stack._add_stack_event(f"{prefix}_IN_PROGRESS", resource_status_reason=stack_reason + ("Rollback requested by user." if snapshot is None else ""))
    rollback_failed = False
    if snapshot is not None:
        resource_map._template = snapshot.map_template
        resource_map._resource_json_map = snapshot.json
        resource_map.input_parameters = snapshot.input_parameters
        resource_map.resolved_parameters = {}
        resource_map.load_mapping()
        resource_map.load_parameters()
        resource_map.load_conditions()
        for action, logical_id in journal:
            if action != "updated" or logical_id not in snapshot.json:
                continue
            resource_type = snapshot.json[logical_id]["Type"]
            _resource_event(stack, logical_id, resource_type, "UPDATE_IN_PROGRESS", _physical_id(resource_map._parsed_resources.get(logical_id)))
            try:
                restored = cfn_parsing.parse_and_update_resource(logical_id, snapshot.json[logical_id], resource_map, stack.account_id, stack.region_name)
            except Exception as rollback_error:
                _resource_event(stack, logical_id, resource_type, "UPDATE_FAILED", reason=_error_text(rollback_error))
                rollback_failed = True
                continue
            resource_map._parsed_resources[logical_id] = restored
            _resource_event(stack, logical_id, resource_type, "UPDATE_COMPLETE", _physical_id(restored))
        for action, logical_id in journal:
            if action == "deleted" and logical_id in snapshot.json:
                resource_map._parsed_resources.pop(logical_id, None)
                recreated = resource_map[logical_id]
                _resource_event(stack, logical_id, snapshot.json[logical_id]["Type"], "CREATE_COMPLETE", _physical_id(recreated))
        stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    created = [logical_id for action, logical_id in journal if action == "created" and (snapshot is None or logical_id not in snapshot.json)]
    for logical_id in reversed(created):
        resource = resource_map._parsed_resources.pop(logical_id, None)
        resource_type = (new_json.get(logical_id) or {}).get("Type", "")
        if resource is None or isinstance(resource, str):
            continue
        try:
            resource_map._delete_resource(resource, new_json.get(logical_id, {}))
            _resource_event(stack, logical_id, resource_type, "DELETE_COMPLETE", _physical_id(resource))
        except Exception as delete_error:
            _resource_event(stack, logical_id, resource_type, "DELETE_FAILED", _physical_id(resource), _error_text(delete_error))
            rollback_failed = rollback_failed or snapshot is None
    if snapshot is None:
        # Nothing of the failed creation is left: no resource may be created lazily later, and
        # a stack whose creation rolled back has no outputs (also once a later patch rebuilds them).
        resource_map._resource_json_map = {}
        stack._create_output_map = lambda: cfn_parsing.OutputMap(resource_map, {}, stack.stack_id)
        stack.output_map = stack._create_output_map()
        stack.status = "ROLLBACK_FAILED" if rollback_failed else "ROLLBACK_COMPLETE"
    else:
        stack.template, stack.template_dict, stack.parameters = snapshot.template, snapshot.template_dict, snapshot.parameters
        stack.output_map = stack._create_output_map()
        stack.status = "UPDATE_ROLLBACK_FAILED" if rollback_failed else "UPDATE_ROLLBACK_COMPLETE"
    stack._add_stack_event(stack.status)


def restore_rollback_on_resource_failure() -> None:
    """AWS: a stack operation (an executed change set, CreateStack, UpdateStack) is accepted
    and then runs; when a resource fails, CloudFormation records that resource's CREATE_FAILED
    or UPDATE_FAILED event with the service's error as ResourceStatusReason and rolls back. A
    failed update puts back the previous template, parameters and resources (updated resources
    updated back, new ones deleted) and ends in UPDATE_ROLLBACK_COMPLETE, with the events
    UPDATE_ROLLBACK_IN_PROGRESS ("The following resource(s) failed to ...") ...
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_ROLLBACK_COMPLETE; a failed creation
    deletes what it created and ends in ROLLBACK_COMPLETE (ROLLBACK_IN_PROGRESS, ...,
    ROLLBACK_COMPLETE); a rollback that fails itself ends in UPDATE_ROLLBACK_FAILED or
    ROLLBACK_FAILED. moto raised the resource's error from the API call itself (ExecuteChangeSet
    failed) and left the stack half changed in *_IN_PROGRESS, with no *_FAILED event."""
    original_create = cfn_parsing.parse_and_create_resource
    original_update = cfn_parsing.parse_and_update_resource
    original_delete = ResourceMap._delete_resource

    def tag(error: Exception, logical_id: str, resource_json: dict[str, Any], status: str) -> None:
        # The innermost resource is the one that failed (creating one may create what it Refs).
        if getattr(error, "_racknet_failed_resource", None) is None:
            try:
                error._racknet_failed_resource = (logical_id, resource_json.get("Type", ""), status)  # type: ignore[attr-defined]
            except AttributeError:  # a built-in exception without __dict__
                pass

    def parse_and_create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        try:
            created = original_create(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            tag(error, logical_id, resource_json, "CREATE_FAILED")
            raise
        if created is not None:
            _journal(resources_map).append(("created", logical_id))
        return created

    def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        try:
            updated = original_update(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            tag(error, logical_id, resource_json, "UPDATE_FAILED")
            raise
        _journal(resources_map).append(("updated", logical_id))
        return updated

    def delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        original_delete(self, parsed_resource, resource_json)
        logical_id = getattr(parsed_resource, "logical_resource_id", None)
        if logical_id:
            _journal(self).append(("deleted", logical_id))

    original_execute = CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = _find_change_set(self, change_set_name, stack_name)
        if change_set is None:
            return original_execute(self, change_set_name, stack_name)
        stack = self.stacks[change_set.stack_id]
        snapshot = _Snapshot(stack) if change_set.change_set_type == "UPDATE" else None
        _journal(stack.resource_map).clear()
        try:
            original_execute(self, change_set_name, stack_name)
        except Exception as error:
            if snapshot is None:
                stack.template = change_set.template
                stack._parse_template()
            _fail_and_roll_back(stack, error, snapshot)
            change_set.execution_status = "EXECUTE_COMPLETE"

    original_create_resources = cfn_models.Stack.create_resources

    def create_resources(self: Any) -> None:
        _journal(self.resource_map).clear()
        try:
            original_create_resources(self)
        except Exception as error:
            _fail_and_roll_back(self, error, None)

    original_stack_update = cfn_models.Stack.update

    def stack_update(self: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
        snapshot = _Snapshot(self)
        try:
            original_stack_update(self, template, role_arn, parameters, tags)
        except Exception as error:
            _fail_and_roll_back(self, error, snapshot)

    cfn_parsing.parse_and_create_resource = parse_and_create_resource
    cfn_parsing.parse_and_update_resource = parse_and_update_resource
    ResourceMap._delete_resource = delete_resource
    CloudFormationBackend.execute_change_set = execute_change_set
    cfn_models.Stack.create_resources = create_resources
    cfn_models.Stack.update = stack_update


PATCHES = [
    # First, so that it wraps stock moto and the later patches see a finished (rolled back) operation.
    restore_rollback_on_resource_failure,
    restore_eni_private_dns_name,
    restore_task_definition_properties,
    restore_fargate_task_level_memory,
    restore_deletion_of_stack_resources,
    restore_ssm_parameter_attributes,
    restore_load_balancer_attributes,
    restore_resources_kept_on_update,
    restore_outputs_after_change_set,
    restore_executed_change_sets_leave_list,
    restore_condition_aware_updates,
    restore_empty_change_set_status,
    restore_subnet_route_table_association,
    restore_private_hosted_zones,
    restore_ecs_service_properties,
    restore_listener_certificates,
    # After the condition-aware diff, which it extends.
    restore_updates_of_dependents,
    # After restore_task_definition_properties, whose create it uses.
    restore_task_definition_revisions,
]


def all_patches() -> list[Any]:
    """This file's patches, then those of aws_gaps.py for the gaps this file leaves open."""
    sys.path.insert(0, str(Path(__file__).parent))
    import aws_gaps

    return [*PATCHES, *aws_gaps.PATCHES]


def main() -> None:
    warnings.filterwarnings("ignore")
    for patch in all_patches():
        patch()
    from moto.server import main as moto_server_main

    moto_server_main(sys.argv[1:])


if __name__ == "__main__":
    main()
