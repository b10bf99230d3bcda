"""Drift detection: what a resource of each checked type is in AWS now, in its template's
shape, and how that compares with the template (PropertyDifferences)."""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

from .cloudformation_replacement import comparable

# Lists CloudFormation compares as sets (the schema's insertionOrder false): a rule's index
# says nothing, only whether it is there.
UNORDERED = {"SecurityGroupIngress", "SecurityGroupEgress", "Tags"}


# --- what each type is in AWS now, in the template's shape ------------------------------


def _rule(rule: Any, is_ingress: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"IpProtocol": rule.ip_protocol}
    if rule.from_port is not None:
        entry["FromPort"], entry["ToPort"] = rule.from_port, rule.to_port
    ip_range, source = rule.ip_range or {}, rule.source_group or {}
    if ip_range.get("CidrIp"):
        entry["CidrIp"] = ip_range["CidrIp"]
    if ip_range.get("CidrIpv6"):
        entry["CidrIpv6"] = ip_range["CidrIpv6"]
    if source.get("GroupId"):
        entry["SourceSecurityGroupId" if is_ingress else "DestinationSecurityGroupId"] = source["GroupId"]
    if rule.prefix_list_id:
        entry["SourcePrefixListId" if is_ingress else "DestinationPrefixListId"] = rule.prefix_list_id
    description = ip_range.get("Description") or source.get("Description")
    if description:
        entry["Description"] = description
    return entry


def _security_group(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.ec2.models import ec2_backends

    group = ec2_backends[account_id][region_name].get_security_group_from_id(resource.physical_resource_id)
    if group is None:
        return None
    return {
        "GroupDescription": group.description,
        "GroupName": group.name,
        "VpcId": group.vpc_id,
        "SecurityGroupIngress": [_rule(rule, True) for rule in group.ingress_rules],
        "SecurityGroupEgress": [_rule(rule, False) for rule in group.egress_rules],
        "Tags": _tags(group),
    }


def _tags(resource: Any) -> list[dict[str, str]]:
    """The resource's tags but CloudFormation's own aws:* ones, which drift detection ignores."""
    tags = [{"Key": tag.get("Key", tag.get("key")), "Value": tag.get("Value", tag.get("value"))} for tag in resource.get_tags()]
    return [tag for tag in tags if not str(tag["Key"]).startswith("aws:")]


def _ingress_identity(rule: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId")
    normal = comparable({**rule, "IpProtocol": protocol(rule.get("IpProtocol"))})
    return tuple(normal.get(key) for key in keys)


def protocol(value: Any) -> str:
    text = str(value).lower()
    return {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1"}.get(text, text)


def _security_group_ingress(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.ec2.models import ec2_backends

    group_id = expected.get("GroupId")
    group = ec2_backends[account_id][region_name].get_security_group_from_id(group_id) if group_id else None
    if group is None:
        return None
    wanted = _ingress_identity(expected)
    for rule in group.ingress_rules:
        actual = _rule(rule, True)
        if _ingress_identity(actual) == wanted:
            return {"GroupId": group.id, **actual}
    return None


def _action(action: Any) -> dict[str, Any]:
    return copy.deepcopy(getattr(action, "data", action))


def _listener(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.elbv2.models import elbv2_backends

    backend = elbv2_backends[account_id][region_name]
    for balancer in backend.load_balancers.values():
        listener = balancer.listeners.get(resource.physical_resource_id)
        if listener is not None:
            actual: dict[str, Any] = {
                "LoadBalancerArn": listener.load_balancer_arn,
                "Port": int(listener.port),
                "Protocol": listener.protocol,
                "DefaultActions": [_action(action) for action in listener.default_actions],
            }
            if listener.ssl_policy:
                actual["SslPolicy"] = listener.ssl_policy
            if listener.certificates:
                actual["Certificates"] = [{"CertificateArn": arn} for arn in listener.certificates[:1]]
            return actual
    return None


def _listener_rule(resource: Any, account_id: str, region_name: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    from moto.elbv2.models import elbv2_backends

    for balancer in elbv2_backends[account_id][region_name].load_balancers.values():
        for listener in balancer.listeners.values():
            rule = listener.rules.get(resource.physical_resource_id) if isinstance(listener.rules, dict) else None
            if rule is not None:
                return {
                    "ListenerArn": listener.arn,
                    "Priority": int(rule.priority),
                    "Conditions": copy.deepcopy(rule.conditions),
                    "Actions": [_action(action) for action in rule.actions],
                }
    return None


CHECKED: dict[str, Callable[[Any, str, str, dict[str, Any]], dict[str, Any] | None]] = {
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::EC2::SecurityGroupIngress": _security_group_ingress,
    "AWS::ElasticLoadBalancingV2::Listener": _listener,
    "AWS::ElasticLoadBalancingV2::ListenerRule": _listener_rule,
}


# --- comparing -------------------------------------------------------------------------


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)


def _difference(path: str, expected: Any, actual: Any, kind: str) -> dict[str, str]:
    return {"PropertyPath": path, "ExpectedValue": "null" if expected is None else _json(expected), "ActualValue": "null" if actual is None else _json(actual), "DifferenceType": kind}


IDENTITY = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId", "DestinationSecurityGroupId", "DestinationPrefixListId", "Key", "Value")


def _matches(expected: Any, actual: Any) -> bool:
    """Whether the actual value has what the template says (keys the template leaves out are not compared)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(_matches(value, actual.get(key)) for key, value in expected.items() if value is not None)
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(_matches(e, a) for e, a in zip(expected, actual))
    return comparable(expected) == comparable(actual)


def _same_item(expected: Any, actual: Any) -> bool:
    """An item of an unordered list (a rule, a tag) is the same when it has the template's values
    and no identifying value the template does not have (another source, another port)."""
    if not _matches(expected, actual):
        return False
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(key in expected for key in IDENTITY if actual.get(key) is not None)
    return True


def compare(path: str, expected: Any, actual: Any, unordered: bool = False) -> list[dict[str, str]]:
    """PropertyDifferences between the template's value and the actual one: NOT_EQUAL for a
    value, REMOVE for what the template has and AWS not, ADD for list items AWS has and the
    template not. Keys the template leaves out of an object are not compared."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[dict[str, str]] = []
        for key, value in expected.items():
            if value is None:
                continue
            if key not in actual or actual[key] is None:
                found.append(_difference(f"{path}/{key}", value, None, "REMOVE"))
            else:
                found += compare(f"{path}/{key}", value, actual[key], key in UNORDERED)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = []
        if unordered:
            unmatched = list(range(len(actual)))
            for index, item in enumerate(expected):
                match = next((other for other in unmatched if _same_item(item, actual[other])), None)
                if match is None:
                    found.append(_difference(f"{path}/{index}", item, None, "REMOVE"))
                else:
                    unmatched.remove(match)
            return found + [_difference(f"{path}/{other}", None, actual[other], "ADD") for other in unmatched]
        for index in range(max(len(expected), len(actual))):
            if index >= len(actual):
                found.append(_difference(f"{path}/{index}", expected[index], None, "REMOVE"))
            elif index >= len(expected):
                found.append(_difference(f"{path}/{index}", None, actual[index], "ADD"))
            else:
                found += compare(f"{path}/{index}", expected[index], actual[index])
        return found
    if comparable(expected) != comparable(actual):
        return [_difference(path, expected, actual, "NOT_EQUAL")]
    return []
