"""Self-test of the moto patches (patches/, applied by launch.py): one reproduction per gap, run
against an in-process moto server patched exactly as launch.py patches it.

    python3 scripts/moto/test_aws_gaps.py                # as the launcher runs it
    python3 scripts/moto/test_aws_gaps.py --stock        # no patches: shows which gaps stock moto has
    python3 scripts/moto/test_aws_gaps.py cidr acm       # only the tests whose name contains a word

Exits non-zero when a test fails. The server listens on 127.0.0.1, on a free port in 5700-5799.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import socket
import sys
import importlib
import traceback
import warnings
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from selftest import REGION, TESTS, Clients, create_stack, expect_equal, outputs, parameters_of, run_change_set, stack_resources, test, unique  # noqa: E402


# --- templates -------------------------------------------------------------------------

YES_NO = {"Type": "String", "AllowedValues": ["Yes", "No"], "Default": "No"}


def network_template(private_condition: bool = False) -> dict[str, Any]:
    """A Convox-style rack network: VPC, IGW, 2 public subnets with a routed table and, when
    Private (conditional if private_condition, always otherwise), 2 NAT gateways with EIPs and
    private subnets with their own route tables."""
    private: dict[str, Any] = {"Condition": "IsPrivate"} if private_condition else {}
    resources: dict[str, Any] = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Gateway": {"Type": "AWS::EC2::InternetGateway"},
        "GatewayAttachment": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"InternetGatewayId": {"Ref": "Gateway"}, "VpcId": {"Ref": "Vpc"}},
        },
        "PublicRoutes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "PublicDefault": {
            "Type": "AWS::EC2::Route",
            "DependsOn": "GatewayAttachment",
            "Properties": {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Gateway"}, "RouteTableId": {"Ref": "PublicRoutes"}},
        },
    }
    for index in (0, 1):
        resources[f"Subnet{index}"] = {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "AvailabilityZone": {"Fn::Select": [index, {"Fn::GetAZs": ""}]},
                "CidrBlock": {"Fn::Select": [index, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 13]}]},
                "MapPublicIpOnLaunch": True,
            },
        }
        resources[f"Subnet{index}Routes"] = {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": f"Subnet{index}"}, "RouteTableId": {"Ref": "PublicRoutes"}},
        }
        resources[f"Nat{index}Address"] = {
            **private,
            "Type": "AWS::EC2::EIP",
            "DependsOn": "GatewayAttachment",
            "Properties": {"Domain": "vpc"},
        }
        resources[f"Nat{index}"] = {
            **private,
            "Type": "AWS::EC2::NatGateway",
            "Properties": {"AllocationId": {"Fn::GetAtt": [f"Nat{index}Address", "AllocationId"]}, "SubnetId": {"Ref": f"Subnet{index}"}},
        }
        resources[f"SubnetPrivate{index}"] = {
            **private,
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "AvailabilityZone": {"Fn::Select": [index, {"Fn::GetAZs": ""}]},
                "CidrBlock": {"Fn::Select": [index + 2, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 13]}]},
            },
        }
        resources[f"RouteTablePrivate{index}"] = {**private, "Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}
        resources[f"RouteTablePrivate{index}Default"] = {
            **private,
            "Type": "AWS::EC2::Route",
            "Properties": {
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": {"Ref": f"Nat{index}"},
                "RouteTableId": {"Ref": f"RouteTablePrivate{index}"},
            },
        }
        resources[f"SubnetPrivate{index}Routes"] = {
            **private,
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": f"SubnetPrivate{index}"}, "RouteTableId": {"Ref": f"RouteTablePrivate{index}"}},
        }
    template: dict[str, Any] = {"Resources": resources, "Outputs": {"Vpc": {"Value": {"Ref": "Vpc"}}}}
    if private_condition:
        template["Parameters"] = {"Private": YES_NO}
        template["Conditions"] = {"IsPrivate": {"Fn::Equals": [{"Ref": "Private"}, "Yes"]}}
    return template


def balancer_resources(condition: str | None, subnets: list[Any]) -> dict[str, Any]:
    guard = {"Condition": condition} if condition else {}
    return {
        "BalancerSecurity": {
            **guard,
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "balancer", "VpcId": {"Ref": "Vpc"}},
        },
        "Balancer": {
            **guard,
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Scheme": "internet-facing", "SecurityGroups": [{"Ref": "BalancerSecurity"}], "Subnets": subnets},
        },
        "BalancerListener80": {
            **guard,
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": {"Ref": "Balancer"},
                "Port": 80,
                "Protocol": "HTTP",
                "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
            },
        },
    }


def small_network() -> dict[str, Any]:
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.1.0.0/16"}},
        "SubnetA": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.1.0.0/24", "AvailabilityZone": "us-east-1a"}},
        "SubnetB": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.1.1.0/24", "AvailabilityZone": "us-east-1b"}},
    }


def self_signed_certificate(domain: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()),
    )


# --- 1. Fn::Cidr -----------------------------------------------------------------------


@test
def gap01_fn_cidr(aws: Clients) -> None:
    template = {
        "Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}},
        "Outputs": {
            "Third": {"Value": {"Fn::Select": [2, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 4, 13]}]}},
            "All": {"Value": {"Fn::Join": [",", {"Fn::Cidr": ["10.0.0.0/16", "4", "13"]}]}},
            "Docs": {"Value": {"Fn::Join": [",", {"Fn::Cidr": ["192.168.0.0/24", "6", "5"]}]}},
            "Ipv6": {"Value": {"Fn::Select": [1, {"Fn::Cidr": ["2600:1f18:1234:5600::/56", 2, 64]}]}},
        },
    }
    name = create_stack(aws, template)
    values = outputs(aws, name)
    expect_equal(values.get("Third"), "10.0.64.0/19", "third /19 of a /16 with cidrBits 13")
    expect_equal(values.get("All"), "10.0.0.0/19,10.0.32.0/19,10.0.64.0/19,10.0.96.0/19", "4 x /19")
    expect_equal(
        values.get("Docs"),
        "192.168.0.0/27,192.168.0.32/27,192.168.0.64/27,192.168.0.96/27,192.168.0.128/27,192.168.0.160/27",
        "the documentation's example",
    )
    expect_equal(values.get("Ipv6"), "2600:1f18:1234:5601::/64", "IPv6 /64s of a /56")
    # And inside resources (a subnet's CidrBlock), with the YAML short form.
    yaml_template = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.9.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
Outputs:
  Subnet: {Value: !Ref Subnet}
"""
    stack_name = unique("gap")
    aws.cloudformation.create_stack(StackName=stack_name, TemplateBody=yaml_template)
    subnet = aws.ec2.describe_subnets(SubnetIds=[outputs(aws, stack_name)["Subnet"]])["Subnets"][0]
    expect_equal(subnet["CidrBlock"], "10.9.1.0/24", "subnet CidrBlock from !Cidr")


# --- 9. CommaDelimitedList parameters --------------------------------------------------


@test
def gap09_comma_delimited_list(aws: Clients) -> None:
    template = {
        "Parameters": {
            "Subnets": {"Type": "CommaDelimitedList"},
            "Ids": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-1,subnet-2"},
            "Count": {"Type": "Number", "Default": "2"},
            "Name": {"Type": "String"},
        },
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Name"}}}},
        "Outputs": {"First": {"Value": {"Fn::Select": [0, {"Ref": "Subnets"}]}}},
    }
    name = create_stack(aws, template, {"Subnets": "subnet-a,subnet-b", "Name": unique("topic")})
    values = parameters_of(aws, name)
    expect_equal(values.get("Subnets"), "subnet-a,subnet-b", "CommaDelimitedList in DescribeStacks")
    expect_equal(values.get("Ids"), "subnet-1,subnet-2", "List<> default in DescribeStacks")
    expect_equal(values.get("Count"), "2", "Number in DescribeStacks")
    new_name = unique("topic")
    run_change_set(aws, name, None, {"Subnets": None, "Ids": None, "Count": None, "Name": new_name})
    values = parameters_of(aws, name)
    expect_equal(values.get("Subnets"), "subnet-a,subnet-b", "CommaDelimitedList after UsePreviousValue (change set)")
    expect_equal(values.get("Name"), new_name, "the changed parameter")
    expect_equal(outputs(aws, name).get("First"), "subnet-a", "Fn::Select on the list")
    aws.cloudformation.update_stack(
        StackName=name,
        UsePreviousTemplate=True,
        Parameters=[
            {"ParameterKey": "Subnets", "UsePreviousValue": True},
            {"ParameterKey": "Ids", "UsePreviousValue": True},
            {"ParameterKey": "Count", "UsePreviousValue": True},
            {"ParameterKey": "Name", "ParameterValue": unique("topic")},
        ],
    )
    values = parameters_of(aws, name)
    expect_equal(values.get("Subnets"), "subnet-a,subnet-b", "CommaDelimitedList after UsePreviousValue (UpdateStack)")


# --- 3. DeleteStack of a network --------------------------------------------------------


@test
def gap03_delete_network_stack(aws: Clients) -> None:
    name = create_stack(aws, network_template())
    vpc_id = outputs(aws, name)["Vpc"]
    stack_id = aws.cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
    nats = aws.ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    expect_equal(len([n for n in nats if n["State"] == "available"]), 2, "NAT gateways before delete")
    addresses = [n["NatGatewayAddresses"][0]["AllocationId"] for n in nats]
    aws.cloudformation.delete_stack(StackName=name)
    stack = aws.cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
    expect_equal(stack["StackStatus"], "DELETE_COMPLETE", "stack status")
    expect_equal(aws.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"], [], "VPC after delete")
    nats = aws.ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    expect_equal(sorted(n["State"] for n in nats), [], "NAT gateways not deleted") if not nats else None
    assert all(n["State"] == "deleted" for n in nats), f"NAT gateways after delete: {[n['State'] for n in nats]}"
    left = aws.ec2.describe_addresses(Filters=[{"Name": "allocation-id", "Values": addresses}])["Addresses"]
    expect_equal(left, [], "Elastic IPs after delete")
    tables = aws.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    expect_equal(tables, [], "route tables after delete")
    gateways = aws.ec2.describe_internet_gateways(Filters=[{"Name": "tag:aws:cloudformation:stack-name", "Values": [name]}])
    expect_equal(gateways["InternetGateways"], [], "internet gateway after delete")


# --- 4. Conditions turning false/true on update -----------------------------------------


def conditional_rack_template() -> dict[str, Any]:
    template = network_template(private_condition=True)
    template["Parameters"]["InternalOnly"] = YES_NO
    template["Conditions"]["External"] = {"Fn::Equals": [{"Ref": "InternalOnly"}, "No"]}
    template["Resources"].update(balancer_resources("External", [{"Ref": "Subnet0"}, {"Ref": "Subnet1"}]))
    template["Outputs"]["Private"] = {"Value": {"Ref": "Private"}}
    return template


@test
def gap04_condition_changes_on_update(aws: Clients) -> None:
    template = conditional_rack_template()
    name = create_stack(aws, template, {"Private": "Yes", "InternalOnly": "No"})
    vpc_id = outputs(aws, name)["Vpc"]

    def nat_count() -> int:
        nats = aws.ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
        return len([n for n in nats if n["State"] == "available"])

    def subnet_count() -> int:
        return len(aws.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"])

    def balancer_arns() -> list[str]:
        balancers = aws.elbv2.describe_load_balancers()["LoadBalancers"]
        return [b["LoadBalancerArn"] for b in balancers if b.get("VpcId") == vpc_id]

    expect_equal(nat_count(), 2, "NAT gateways with Private=Yes")
    expect_equal(subnet_count(), 4, "subnets with Private=Yes")
    balancers = balancer_arns()
    expect_equal(len(balancers), 1, "external balancer with InternalOnly=No")
    resources = stack_resources(aws, name)
    address_ids = [resources["Nat0Address"], resources["Nat1Address"]]
    security_group = resources["BalancerSecurity"]

    # Private Yes -> No through a change set: NAT gateways, EIPs, private subnets and tables go.
    run_change_set(aws, name, None, {"Private": "No", "InternalOnly": None})
    expect_equal(nat_count(), 0, "NAT gateways after Private=No")
    expect_equal(subnet_count(), 2, "subnets after Private=No")
    left = aws.ec2.describe_addresses(Filters=[{"Name": "public-ip", "Values": address_ids}])["Addresses"]
    expect_equal(left, [], "Elastic IPs after Private=No")
    tables = aws.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    expect_equal(len(tables), 2, "route tables after Private=No (main + public)")
    resources = stack_resources(aws, name)
    for gone in ("Nat0", "Nat1Address", "SubnetPrivate0", "RouteTablePrivate1", "RouteTablePrivate0Default", "SubnetPrivate1Routes"):
        assert gone not in resources, f"{gone} still listed after Private=No"

    # InternalOnly No -> Yes with UpdateStack: the balancer, its listener and security group go.
    aws.cloudformation.update_stack(
        StackName=name,
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "Private", "UsePreviousValue": True}, {"ParameterKey": "InternalOnly", "ParameterValue": "Yes"}],
    )
    expect_equal(balancer_arns(), [], "balancers after InternalOnly=Yes")
    groups = aws.ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [security_group]}])["SecurityGroups"]
    expect_equal(groups, [], "balancer security group after InternalOnly=Yes")
    resources = stack_resources(aws, name)
    for gone in ("Balancer", "BalancerListener80", "BalancerSecurity"):
        assert gone not in resources, f"{gone} still listed after InternalOnly=Yes"

    # And back: the conditions turn true, the resources are created again.
    run_change_set(aws, name, None, {"Private": "Yes", "InternalOnly": "No"})
    expect_equal(nat_count(), 2, "NAT gateways after Private=Yes again")
    expect_equal(subnet_count(), 4, "subnets after Private=Yes again")
    balancers = balancer_arns()
    expect_equal(len(balancers), 1, "balancer after InternalOnly=No again")
    listeners = aws.elbv2.describe_listeners(LoadBalancerArn=balancers[0])["Listeners"]
    expect_equal([l["Port"] for l in listeners], [80], "listener after InternalOnly=No again")
    resources = stack_resources(aws, name)
    for back in ("Nat0", "Nat1Address", "SubnetPrivate0", "RouteTablePrivate1Default", "Balancer", "BalancerListener80"):
        assert resources.get(back), f"{back} not listed after the conditions turned true"

    # And the whole stack still deletes.
    aws.cloudformation.delete_stack(StackName=name)
    expect_equal(aws.ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"], [], "VPC after delete")


# --- 6. MapPublicIpOnLaunch ---------------------------------------------------------------


@test
def gap06_map_public_ip_on_launch(aws: Clients) -> None:
    template = {
        "Parameters": {"MapPublic": {"Type": "String", "Default": "true"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.2.0.0/16"}},
            "Public": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.2.0.0/24", "MapPublicIpOnLaunch": {"Ref": "MapPublic"}},
            },
            "Private": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.2.1.0/24"}},
        },
        "Outputs": {"Public": {"Value": {"Ref": "Public"}}, "Private": {"Value": {"Ref": "Private"}}},
    }
    name = create_stack(aws, template)
    ids = outputs(aws, name)

    def mapped(subnet_id: str) -> bool:
        return aws.ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["MapPublicIpOnLaunch"]

    expect_equal(mapped(ids["Public"]), True, "MapPublicIpOnLaunch: true")
    expect_equal(mapped(ids["Private"]), False, "MapPublicIpOnLaunch unset")
    aws.cloudformation.update_stack(StackName=name, UsePreviousTemplate=True, Parameters=[{"ParameterKey": "MapPublic", "ParameterValue": "false"}])
    expect_equal(outputs(aws, name)["Public"], ids["Public"], "the subnet is updated in place")
    expect_equal(mapped(ids["Public"]), False, "MapPublicIpOnLaunch after an update to false")


# --- 2. CanonicalHostedZoneID --------------------------------------------------------------


@test
def gap02_balancer_canonical_hosted_zone_id(aws: Clients) -> None:
    resources = small_network()
    resources.update(balancer_resources(None, [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]))
    template = {
        "Resources": resources,
        "Outputs": {
            "Zone": {"Value": {"Fn::GetAtt": ["Balancer", "CanonicalHostedZoneID"]}},
            "Balancer": {"Value": {"Ref": "Balancer"}},
        },
    }
    name = create_stack(aws, template)
    values = outputs(aws, name)
    balancer = aws.elbv2.describe_load_balancers(LoadBalancerArns=[values["Balancer"]])["LoadBalancers"][0]
    expect_equal(values.get("Zone"), balancer["CanonicalHostedZoneId"], "GetAtt CanonicalHostedZoneID")


# --- 7. ListenerCertificate ----------------------------------------------------------------


@test
def gap07_listener_certificate(aws: Clients) -> None:
    certificates = []
    for index in range(3):
        body, key = self_signed_certificate(f"c{index}.example.org")
        certificates.append(aws.acm.import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"])
    resources = small_network()
    resources.update(balancer_resources(None, [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]))
    resources["BalancerListener443"] = {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "LoadBalancerArn": {"Ref": "Balancer"},
            "Port": 443,
            "Protocol": "HTTPS",
            "Certificates": [{"CertificateArn": certificates[0]}],
            "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        },
    }
    resources["ExtraCertificates"] = {
        "Type": "AWS::ElasticLoadBalancingV2::ListenerCertificate",
        "Properties": {"ListenerArn": {"Ref": "BalancerListener443"}, "Certificates": [{"CertificateArn": {"Ref": "Extra"}}]},
    }
    template = {
        "Parameters": {"Extra": {"Type": "String"}},
        "Resources": resources,
        "Outputs": {"Listener": {"Value": {"Ref": "BalancerListener443"}}},
    }
    name = create_stack(aws, template, {"Extra": certificates[1]})
    listener = outputs(aws, name)["Listener"]

    def attached() -> set[str]:
        listed = aws.elbv2.describe_listener_certificates(ListenerArn=listener)["Certificates"]
        return {c["CertificateArn"] for c in listed}

    assert certificates[1] in attached(), f"ListenerCertificate not attached: {attached()}"
    assert "ExtraCertificates" in stack_resources(aws, name), "ListenerCertificate not in the stack's resources"
    run_change_set(aws, name, None, {"Extra": certificates[2]})
    now = attached()
    assert certificates[2] in now and certificates[1] not in now, f"after update: {now}"
    del template["Resources"]["ExtraCertificates"]
    aws.cloudformation.update_stack(StackName=name, TemplateBody=json.dumps(template), Parameters=[{"ParameterKey": "Extra", "UsePreviousValue": True}])
    now = attached()
    assert certificates[2] not in now and certificates[1] not in now, f"after removing the resource: {now}"
    aws.cloudformation.delete_stack(StackName=name)


# --- 10. ECS service LoadBalancers / DeploymentConfiguration ---------------------------------


@test
def gap10_ecs_service_load_balancers(aws: Clients) -> None:
    resources = small_network()
    resources.update(balancer_resources(None, [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]))
    resources.update(
        {
            # Properties given: moto replaces a cluster without them on every update (MOTO.md).
            "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": unique("cluster")}},
            "Targets": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"Port": 3000, "Protocol": "HTTP", "VpcId": {"Ref": "Vpc"}},
            },
            "Tasks": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": unique("web"),
                    "ContainerDefinitions": [{"Name": "web", "Image": "httpd", "Memory": 256, "PortMappings": [{"ContainerPort": 3000}]}],
                },
            },
            "Service": {
                "Type": "AWS::ECS::Service",
                "DependsOn": "BalancerListener80",
                "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "TaskDefinition": {"Ref": "Tasks"},
                    "DesiredCount": 1,
                    "DeploymentConfiguration": {"MaximumPercent": {"Ref": "Maximum"}, "MinimumHealthyPercent": 50},
                    "LoadBalancers": [{"TargetGroupArn": {"Ref": "Targets"}, "ContainerName": "web", "ContainerPort": 3000}],
                },
            },
        }
    )
    template = {
        "Parameters": {"Maximum": {"Type": "Number", "Default": "200"}},
        "Resources": resources,
        "Outputs": {"Cluster": {"Value": {"Ref": "Cluster"}}, "Service": {"Value": {"Ref": "Service"}}, "Targets": {"Value": {"Ref": "Targets"}}},
    }
    name = create_stack(aws, template)
    values = outputs(aws, name)

    def service() -> dict[str, Any]:
        return aws.ecs.describe_services(cluster=values["Cluster"], services=[values["Service"]])["services"][0]

    described = service()
    expect_equal(
        described.get("loadBalancers"),
        [{"targetGroupArn": values["Targets"], "containerName": "web", "containerPort": 3000}],
        "loadBalancers",
    )
    expect_equal(described.get("deploymentConfiguration", {}).get("maximumPercent"), 200, "maximumPercent")
    expect_equal(described.get("deploymentConfiguration", {}).get("minimumHealthyPercent"), 50, "minimumHealthyPercent")
    aws.cloudformation.update_stack(StackName=name, UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Maximum", "ParameterValue": "150"}])
    described = service()
    expect_equal(described.get("deploymentConfiguration", {}).get("maximumPercent"), 150, "maximumPercent after update")
    expect_equal(len(described.get("loadBalancers") or []), 1, "loadBalancers after update")


# --- 8. ACM re-import keeps tags -------------------------------------------------------------


@test
def gap08_acm_reimport_keeps_tags(aws: Clients) -> None:
    body, key = self_signed_certificate("tagged.example.org")
    arn = aws.acm.import_certificate(Certificate=body, PrivateKey=key, Tags=[{"Key": "System", "Value": "convox"}])["CertificateArn"]
    body, key = self_signed_certificate("tagged.example.org")
    again = aws.acm.import_certificate(CertificateArn=arn, Certificate=body, PrivateKey=key)["CertificateArn"]
    expect_equal(again, arn, "re-import keeps the ARN")
    tags = aws.acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])
    expect_equal(tags, [{"Key": "System", "Value": "convox"}], "tags after re-import")
    pem = aws.acm.get_certificate(CertificateArn=arn)["Certificate"]
    expect_equal(pem.strip(), body.decode().strip(), "the certificate is the re-imported one")


# --- 5. ListStackResources and false conditions ------------------------------------------------


@test
def gap05_list_stack_resources_skips_false_conditions(aws: Clients) -> None:
    template = {
        "Parameters": {"Enabled": YES_NO},
        "Conditions": {"IsEnabled": {"Fn::Equals": [{"Ref": "Enabled"}, "Yes"]}},
        "Resources": {
            "Always": {"Type": "AWS::SNS::Topic"},
            "Sometimes": {"Type": "AWS::SNS::Topic", "Condition": "IsEnabled"},
        },
    }
    name = create_stack(aws, template)
    summaries = aws.cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
    expect_equal(sorted(s["LogicalResourceId"] for s in summaries), ["Always"], "ListStackResources with Enabled=No")
    described = aws.cloudformation.describe_stack_resources(StackName=name)["StackResources"]
    expect_equal(sorted(s["LogicalResourceId"] for s in described), ["Always"], "DescribeStackResources with Enabled=No")
    aws.cloudformation.update_stack(StackName=name, UsePreviousTemplate=True, Parameters=[{"ParameterKey": "Enabled", "ParameterValue": "Yes"}])
    expect_equal(sorted(stack_resources(aws, name)), ["Always", "Sometimes"], "ListStackResources with Enabled=Yes")
    run_change_set(aws, name, None, {"Enabled": "No"})
    expect_equal(sorted(stack_resources(aws, name)), ["Always"], "ListStackResources with Enabled=No again")


@test
def gap_vpc_peering_by_cloudformation(aws: Clients) -> None:
    """restore_cloudformation_vpc_peering: active in one account, refused between overlapping ranges, deleted with its stack."""
    a = aws.ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    b = aws.ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    c = aws.ec2.create_vpc(CidrBlock="10.60.128.0/17")["Vpc"]["VpcId"]
    name = create_stack(aws, {"Resources": {"Peering": {"Type": "AWS::EC2::VPCPeeringConnection", "Properties": {"VpcId": a, "PeerVpcId": b}}}})
    pcx = aws.cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"][0]["PhysicalResourceId"]
    state = lambda: aws.ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Status"]["Code"]
    expect_equal(state(), "active", "a peering of one account, made by CloudFormation")
    overlapping = unique("gap")
    aws.cloudformation.create_stack(StackName=overlapping, TemplateBody=json.dumps({"Resources": {"Peering": {"Type": "AWS::EC2::VPCPeeringConnection", "Properties": {"VpcId": a, "PeerVpcId": c}}}}))
    expect_equal(aws.cloudformation.describe_stacks(StackName=overlapping)["Stacks"][0]["StackStatus"], "ROLLBACK_COMPLETE", "a peering between overlapping ranges")
    aws.cloudformation.delete_stack(StackName=name)
    expect_equal(state(), "deleted", "the peering after its stack's deletion")

@test
def gap_transit_gateway_attachment_by_cloudformation(aws: Clients) -> None:
    """restore_transit_gateway_attachment: CloudFormation attaches the VPC in its subnets, a route goes through it, the stack's deletion detaches it."""
    tgw = aws.ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    vpc = aws.ec2.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]
    subnet = aws.ec2.create_subnet(VpcId=vpc, CidrBlock="10.62.1.0/24")["Subnet"]["SubnetId"]
    table = aws.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    template = {
        "Resources": {
            "Attachment": {"Type": "AWS::EC2::TransitGatewayAttachment", "Properties": {"TransitGatewayId": tgw, "VpcId": vpc, "SubnetIds": [subnet]}},
            "Route": {"Type": "AWS::EC2::Route", "DependsOn": "Attachment", "Properties": {"RouteTableId": table, "DestinationCidrBlock": "10.90.0.0/16", "TransitGatewayId": tgw}},
        }
    }
    name = create_stack(aws, template)
    attachments = lambda: [a for a in aws.ec2.describe_transit_gateway_vpc_attachments(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["TransitGatewayVpcAttachments"] if a["State"] != "deleted"]
    expect_equal([(a["TransitGatewayId"], a["SubnetIds"]) for a in attachments()], [(tgw, [subnet])], "the VPC's attachments after the stack")
    routes = aws.ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    expect_equal([r.get("TransitGatewayId") for r in routes if r.get("DestinationCidrBlock") == "10.90.0.0/16"], [tgw], "the route through the gateway")
    aws.cloudformation.delete_stack(StackName=name)
    expect_equal(attachments(), [], "the VPC's attachments after the stack's deletion")


def gap_route_target_updated_in_place(aws: Clients) -> None:
    """An AWS::EC2::Route whose NatGatewayId changes keeps its place and takes the new target
    (EC2 ReplaceRoute), as NatGateways=One moves every private route to the first zone's NAT."""
    template = network_template()
    name = create_stack(aws, template)
    resources = stack_resources(aws, name)
    moved = json.loads(json.dumps(template))
    moved["Resources"]["RouteTablePrivate1Default"]["Properties"]["NatGatewayId"] = {"Ref": "Nat0"}
    run_change_set(aws, name, moved, {})
    table = aws.ec2.describe_route_tables(RouteTableIds=[resources["RouteTablePrivate1"]])["RouteTables"][0]
    default = [route for route in table["Routes"] if route.get("DestinationCidrBlock") == "0.0.0.0/0"]
    expect_equal([route.get("NatGatewayId") for route in default], [resources["Nat0"]], "the private route's target after the update")
    expect_equal(stack_resources(aws, name)["RouteTablePrivate1"], resources["RouteTablePrivate1"], "the route table is kept")


@test
def gap_vpc_endpoint_deleted_with_its_condition(aws: Clients) -> None:
    """A gateway VPC endpoint removed from the stack (its condition turned false, as Private=No
    removes the S3 endpoint) is deleted, and its route with it."""
    template = {
        "Parameters": {"Enabled": YES_NO},
        "Conditions": {"IsEnabled": {"Fn::Equals": [{"Ref": "Enabled"}, "Yes"]}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.7.0.0/16"}},
            "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
            "S3": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Condition": "IsEnabled",
                "Properties": {"VpcId": {"Ref": "Vpc"}, "ServiceName": f"com.amazonaws.{REGION}.s3", "VpcEndpointType": "Gateway", "RouteTableIds": [{"Ref": "Table"}]},
            },
        },
    }
    name = create_stack(aws, template, {"Enabled": "Yes"})
    endpoint_id = stack_resources(aws, name)["S3"]
    run_change_set(aws, name, None, {"Enabled": "No"})
    state = aws.ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]["State"]
    expect_equal(state.lower(), "deleted", "the endpoint's state once removed from the stack")


# --- runner ----------------------------------------------------------------------------------

# The reproductions kept in files of their own, run after this file's.
MORE_TESTS = ["test_codebuild", "test_resource_types", "test_change_sets", "test_drift", "test_logs", "test_lambda", "test_s3", "test_aws_failures", "test_day_two", "test_certificates", "test_resources"]

# The account the tests run in has raised quotas, as the e2e tests' account has (test/support/moto.ts):
# the reproductions make many VPCs. test_aws_failures.py lowers them where it checks the quotas.
RAISED_QUOTAS = {"ec2/L-0263D0A3": 100, "vpc/L-F678F1CE": 100, "vpc/L-A4707A72": 100, "vpc/L-FE5A380F": 50}


def free_port() -> int:
    for port in range(5700, 5800):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5700-5799")


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    os.environ["MOTO_SERVICE_QUOTAS"] = json.dumps(RAISED_QUOTAS)
    words = [a for a in argv if not a.startswith("-")]
    if "--stock" not in argv:
        import launch
        import speed

        # As launch.py runs moto: the template parse it speeds up first, then the patches.
        speed.parse_templates_fast()
        for patch in launch.all_patches():
            patch()

    for module in MORE_TESTS:
        importlib.import_module(module)
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    failures = 0
    try:
        aws = Clients(f"http://127.0.0.1:{port}")
        for function in TESTS:
            if words and not any(word in function.__name__ for word in words):
                continue
            try:
                function(aws)
            except Exception as error:  # report and go on
                failures += 1
                print(f"FAIL {function.__name__}: {type(error).__name__}: {error}")
                if "-v" in argv or "--verbose" in argv:
                    traceback.print_exc()
            else:
                print(f"ok   {function.__name__}")
    finally:
        server.stop()
    print(f"{failures} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
