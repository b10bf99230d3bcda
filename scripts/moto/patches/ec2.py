"""EC2 resources made by CloudFormation: route table associations, subnets, network interfaces,
and deleting the network resources of a stack."""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.subnets import SubnetRouteTableAssociation

from .resource_models import deleting, is_true


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


def restore_route_target_updates() -> None:
    """AWS: an AWS::EC2::Route's target (NatGatewayId, GatewayId, InstanceId,
    NetworkInterfaceId, TransitGatewayId, VpcPeeringConnectionId, EgressOnlyInternetGatewayId)
    is updated in place ("Update requires: No interruption"; EC2 ReplaceRoute); only
    RouteTableId and the destination are create-only, and changing them replaces the route
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-route.html).
    moto has no update for the type: the route kept its old target while the stack reported the
    new one. ReplaceRoute fails as EC2 does when the new target does not exist."""
    from moto.ec2.models.route_tables import Route

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        same_place = original_resource is not None and properties["RouteTableId"] == original_resource.route_table.id and properties.get("DestinationCidrBlock") == original_resource.destination_cidr_block
        if not same_place:
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        nat_gateway_id = properties.get("NatGatewayId")
        if nat_gateway_id is not None and nat_gateway_id not in backend.nat_gateways:
            from moto.ec2.exceptions import InvalidParameterValueError

            raise InvalidParameterValueError(nat_gateway_id)
        return backend.replace_route(
            route_table_id=properties["RouteTableId"],
            destination_cidr_block=properties.get("DestinationCidrBlock"),
            nat_gateway_id=nat_gateway_id,
            egress_only_igw_id=properties.get("EgressOnlyInternetGatewayId"),
            transit_gateway_id=properties.get("TransitGatewayId"),
            gateway_id=properties.get("GatewayId"),
            instance_id=properties.get("InstanceId"),
            interface_id=properties.get("NetworkInterfaceId"),
            vpc_peering_connection_id=properties.get("VpcPeeringConnectionId"),
        )

    Route.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]


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


def restore_subnet_map_public_ip_on_launch() -> None:
    """AWS: an AWS::EC2::Subnet with MapPublicIpOnLaunch true maps public IPs on launch
    (DescribeSubnets shows MapPublicIpOnLaunch true), and an update that changes only
    MapPublicIpOnLaunch applies it to the same subnet (VpcId, CidrBlock or AvailabilityZone
    changes replace the subnet). moto ignored the property and could not update a subnet."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.subnets import Subnet

    previous_create = Subnet.create_from_cloudformation_json.__func__

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        subnet = previous_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        mapped = is_true(cloudformation_json.get("Properties", {}).get("MapPublicIpOnLaunch", False))
        ec2_backends[account_id][region_name].modify_subnet_attribute(subnet.id, "map_public_ip_on_launch", mapped)
        return subnet

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        backend = ec2_backends[account_id][region_name]
        same = original_resource is not None and (
            properties.get("VpcId") == original_resource.vpc_id
            and properties.get("CidrBlock") == original_resource.cidr_block
            and properties.get("AvailabilityZone", original_resource.availability_zone) == original_resource.availability_zone
        )
        if not same:
            if original_resource is not None:
                backend.delete_subnet(original_resource.id)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        mapped = is_true(properties.get("MapPublicIpOnLaunch", False))
        backend.modify_subnet_attribute(original_resource.id, "map_public_ip_on_launch", mapped)
        return original_resource

    Subnet.create_from_cloudformation_json = classmethod(create)
    if "update_from_cloudformation_json" not in vars(Subnet):
        Subnet.update_from_cloudformation_json = classmethod(update)


def restore_deletion_of_network_resources() -> None:
    """AWS: deleting a stack (or removing a resource in an update, as Private=No removes the
    NAT gateways) deletes NAT gateways, Elastic IPs, routes, route tables, internet gateways,
    their attachments and VPC endpoints (a gateway endpoint's routes go with it; an interface
    endpoint's network interfaces too). moto has no delete for these types, so they outlived
    their stack."""
    from moto.ec2.models.elastic_ip_addresses import ElasticAddress
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.route_tables import Route, RouteTable
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment
    from moto.ec2.models.vpcs import VPCEndPoint

    def ec2(account_id: str, region_name: str) -> Any:
        return ec2_backends[account_id][region_name]

    def detach(self: Any, account_id: str, region_name: str) -> None:
        if self.gateway_id and self.gateway_id.startswith("igw-"):
            ec2(account_id, region_name).detach_internet_gateway(self.gateway_id, self.vpc_id)

    deletions = {
        NatGateway: lambda self, a, r: ec2(a, r).delete_nat_gateway(self.id),
        ElasticAddress: lambda self, a, r: ec2(a, r).release_address(allocation_id=self.allocation_id) if self.allocation_id else ec2(a, r).release_address(address=self.public_ip),
        Route: lambda self, a, r: ec2(a, r).delete_route(self.route_table.id, self.destination_cidr_block, self.destination_ipv6_cidr_block),
        RouteTable: lambda self, a, r: ec2(a, r).delete_route_table(self.id),
        VPCGatewayAttachment: detach,
        InternetGateway: lambda self, a, r: ec2(a, r).delete_internet_gateway(self.id),
        VPCEndPoint: lambda self, a, r: ec2(a, r).delete_vpc_endpoints([self.id]),
    }
    for model, action in deletions.items():
        model.delete = deleting(action)


def _rule_arguments(rule: dict[str, Any], is_ingress: bool) -> dict[str, Any]:
    """A template rule as moto's authorize/revoke calls take it."""
    description = rule.get("Description")
    with_description = (lambda entry: {**entry, "Description": description}) if description else (lambda entry: entry)
    group_key, prefix_key = ("SourceSecurityGroupId", "SourcePrefixListId") if is_ingress else ("DestinationSecurityGroupId", "DestinationPrefixListId")
    ip_ranges = [with_description({"CidrIp": rule["CidrIp"]})] if rule.get("CidrIp") else []
    ip_ranges += [with_description({"CidrIpv6": rule["CidrIpv6"]})] if rule.get("CidrIpv6") else []
    return {
        "ip_protocol": str(rule["IpProtocol"]),
        "from_port": rule.get("FromPort", -1),
        "to_port": rule.get("ToPort", -1),
        "ip_ranges": ip_ranges,
        "source_groups": [with_description({"GroupId": rule[group_key]})] if rule.get(group_key) else [],
        "prefix_list_ids": [with_description({"PrefixListId": rule[prefix_key]})] if rule.get(prefix_key) else [],
    }


def restore_security_group_inline_rules() -> None:
    """AWS: an AWS::EC2::SecurityGroup's inline SecurityGroupIngress and SecurityGroupEgress
    rules keep their Description, CidrIpv6, source or destination group and prefix list
    (DescribeSecurityGroups shows them); SecurityGroupEgress replaces the default allow-all
    egress rule; an update that changes only the rules or tags applies them to the same group
    (rules gone from the list are revoked, new ones authorized); a new GroupDescription,
    GroupName or VpcId replaces the group. moto dropped rule descriptions and egress rules, and
    replaced the group (a new id) on every update."""
    from moto.ec2.models.security_groups import SecurityGroup

    def backend_of(account_id: str, region_name: str) -> Any:
        return ec2_backends[account_id][region_name]

    def apply_rules(group: Any, properties: dict[str, Any], previous: dict[str, list[Any]], account_id: str, region_name: str) -> None:
        backend = backend_of(account_id, region_name)
        wanted = {"ingress": [rule for rule in properties.get("SecurityGroupIngress") or [] if rule], "egress": [rule for rule in properties.get("SecurityGroupEgress") or [] if rule]}
        for direction, authorize, revoke in (("ingress", backend.authorize_security_group_ingress, backend.revoke_security_group_ingress), ("egress", backend.authorize_security_group_egress, backend.revoke_security_group_egress)):
            is_ingress = direction == "ingress"
            before, after = previous.get(direction, []), wanted[direction]
            if direction == "egress" and not before and after:
                # Rules of its own replace the default allow-all egress rule.
                revoke(group.id, "-1", None, None, [{"CidrIp": "0.0.0.0/0"}], vpc_id=group.vpc_id)
            for rule in [rule for rule in before if rule not in after]:
                revoke(group.id, vpc_id=group.vpc_id, **_rule_arguments(rule, is_ingress))
            for rule in [rule for rule in after if rule not in before]:
                authorize(group.id, vpc_id=group.vpc_id, **_rule_arguments(rule, is_ingress))
            if direction == "egress" and before and not after:
                authorize(group.id, "-1", None, None, [{"CidrIp": "0.0.0.0/0"}], vpc_id=group.vpc_id)
        group._racknet_inline_rules = wanted

    def apply_tags(group: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
        backend = backend_of(account_id, region_name)
        current = {tag["key"] if "key" in tag else tag["Key"]: None for tag in group.get_tags()}
        stale = [key for key in current if not str(key).startswith("aws:") and key not in {tag["Key"] for tag in properties.get("Tags") or []}]
        if stale:
            backend.delete_tags([group.id], {key: None for key in stale})
        for tag in properties.get("Tags") or []:
            group.add_tag(tag["Key"], tag["Value"])

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        group = backend_of(account_id, region_name).create_security_group(name=resource_name, description=properties.get("GroupDescription"), vpc_id=properties.get("VpcId"))
        apply_tags(group, properties, account_id, region_name)
        apply_rules(group, properties, {}, account_id, region_name)
        return group

    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        properties = cloudformation_json.get("Properties", {})
        same = original_resource is not None and (
            properties.get("GroupDescription") == original_resource.description
            and properties.get("VpcId") == original_resource.vpc_id
            and properties.get("GroupName", original_resource.name) == original_resource.name
        )
        if not same:
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return create(cls, new_resource_name, cloudformation_json, account_id, region_name)
        apply_tags(original_resource, properties, account_id, region_name)
        apply_rules(original_resource, properties, getattr(original_resource, "_racknet_inline_rules", {}), account_id, region_name)
        return original_resource

    SecurityGroup.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]
    SecurityGroup.update_from_cloudformation_json = classmethod(update)  # type: ignore[assignment]


def restore_security_group_ingress_description() -> None:
    """AWS: an AWS::EC2::SecurityGroupIngress keeps its Description whatever its source (a CIDR,
    a source security group or a prefix list): DescribeSecurityGroups shows it
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroupingress.html).
    moto kept it only on CIDR rules, so a rule from a source group lost it."""
    from moto.ec2.models.security_groups import SecurityGroupIngress

    original = SecurityGroupIngress.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    protocols = {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1"}

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        created = original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        description, source = properties.get("Description"), properties.get("SourceSecurityGroupId")
        if description and source and not properties.get("CidrIp"):
            group = created.security_group
            for rule in group.ingress_rules:
                same = (rule.ip_protocol, str(rule.from_port), str(rule.to_port)) == (protocols.get(str(properties.get("IpProtocol")).lower(), str(properties.get("IpProtocol")).lower()), str(properties.get("FromPort")), str(properties.get("ToPort")))
                if rule.source_group.get("GroupId") == source and same:
                    rule.source_group = {**rule.source_group, "Description": description}
        return created

    SecurityGroupIngress.create_from_cloudformation_json = classmethod(create)  # type: ignore[assignment]


def restore_nat_gateway_network_interfaces() -> None:
    """AWS: a NAT gateway's network interface is managed by AWS and says whose it is:
    InterfaceType natGateway, Description "Interface for NAT Gateway nat-...", RequesterManaged
    true (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html;
    https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html shows the
    description). moto gave it InterfaceType interface and no description, like any ENI."""
    from moto.ec2.models.nat_gateways import NatGateway

    previous_init = NatGateway.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        previous_init(self, *args, **kwargs)
        self._eni.interface_type = "natGateway"
        self._eni.description = f"Interface for NAT Gateway {self.id}"
        self._eni.requester_managed = True

    NatGateway.__init__ = init


# The quotas EC2 enforces when a resource is made (Service Quotas codes, as racknet reads them).
ELASTIC_IPS = ("ec2", "L-0263D0A3")
VPCS_PER_REGION = ("vpc", "L-F678F1CE")
INTERNET_GATEWAYS_PER_REGION = ("vpc", "L-A4707A72")
NAT_GATEWAYS_PER_ZONE = ("vpc", "L-FE5A380F")
# NAT gateways in these states count toward "NAT gateways per Availability Zone".
COUNTED_NAT_STATES = ("pending", "available", "deleting")


def restore_network_quotas() -> None:
    """AWS: EC2 refuses to make what passes the account's quota in the region, reading the value
    Service Quotas applies to the account (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html:
    VPCs per Region 5, the default VPC included; Internet gateways per Region 5; NAT gateways
    per Availability Zone 5, counting those pending, available or deleting; Elastic IP addresses
    per Region 5, allocated ones whether associated or not). AllocateAddress fails with
    AddressLimitExceeded "The maximum number of addresses has been reached.", CreateVpc with
    VpcLimitExceeded "The maximum number of VPCs has been reached.", CreateInternetGateway with
    InternetGatewayLimitExceeded and CreateNatGateway with NatGatewayLimitExceeded (these two
    messages are worded like the others: the error codes page gives the codes only)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html,
    https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html); made by
    CloudFormation, the resource is CREATE_FAILED with that error. moto answered the quotas
    (restore_service_quota_defaults_and_applied_values) but made everything asked for."""
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend
    from moto.ec2.models.internet_gateways import InternetGatewayBackend
    from moto.ec2.models.nat_gateways import NatGatewayBackend
    from moto.ec2.models.vpcs import VPCBackend

    from .servicequotas import applied_quota

    def refuse_beyond(quota: tuple[str, str], used: int, code: str, message: str) -> None:
        if used + 1 > applied_quota(*quota):
            raise EC2ClientError(code, message)

    original_allocate = ElasticAddressBackend.allocate_address

    def allocate_address(self: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_beyond(ELASTIC_IPS, len(self.addresses), "AddressLimitExceeded", "The maximum number of addresses has been reached.")
        return original_allocate(self, *args, **kwargs)

    original_create_vpc = VPCBackend.create_vpc

    def create_vpc(self: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_beyond(VPCS_PER_REGION, len(self.vpcs), "VpcLimitExceeded", "The maximum number of VPCs has been reached.")
        return original_create_vpc(self, *args, **kwargs)

    original_create_gateway = InternetGatewayBackend.create_internet_gateway

    def create_internet_gateway(self: Any, *args: Any, **kwargs: Any) -> Any:
        refuse_beyond(INTERNET_GATEWAYS_PER_REGION, len(self.internet_gateways), "InternetGatewayLimitExceeded", "The maximum number of internet gateways has been reached.")
        return original_create_gateway(self, *args, **kwargs)

    original_create_nat = NatGatewayBackend.create_nat_gateway

    def create_nat_gateway(self: Any, subnet_id: str, *args: Any, **kwargs: Any) -> Any:
        zone = self.get_subnet(subnet_id).availability_zone
        in_zone = [gateway for gateway in self.nat_gateways.values() if gateway.state in COUNTED_NAT_STATES and self.get_subnet(gateway.subnet_id).availability_zone == zone]
        refuse_beyond(NAT_GATEWAYS_PER_ZONE, len(in_zone), "NatGatewayLimitExceeded", "The maximum number of NAT gateways has been reached.")
        return original_create_nat(self, subnet_id, *args, **kwargs)

    ElasticAddressBackend.allocate_address = allocate_address
    VPCBackend.create_vpc = create_vpc
    InternetGatewayBackend.create_internet_gateway = create_internet_gateway
    NatGatewayBackend.create_nat_gateway = create_nat_gateway


def restore_cloudformation_vpc_peering() -> None:
    """AWS: an AWS::EC2::VPCPeeringConnection made by CloudFormation requests a peering with
    PeerVpcId in PeerRegion (default: the stack's Region) of PeerOwnerId (default: the stack's
    account); "If the requester and acceptor VPCs are in the same account, the peering request is
    accepted without a peering role", so it is active once created; "If you create a VPC peering
    connection request between VPCs with overlapping CIDR blocks, the VPC peering connection has a
    status of failed", and the resource fails with it
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html,
    https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html "Prerequisites":
    every IPv4 range of both VPCs counts, secondary ones too). Deleting the resource deletes the
    peering (DescribeVpcPeeringConnections shows it deleted). moto looked the peer VPC up in the
    stack's own Region only, left the peering pending-acceptance, accepted overlapping ranges,
    and kept the peering when its stack went."""
    import ipaddress

    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.vpc_peering_connections import VPCPeeringConnection

    def ranges(vpc: Any) -> list[Any]:
        blocks = {vpc.cidr_block}
        for association in vpc.cidr_block_association_set:
            if (association.get("cidr_block_state") or {}).get("state") != "disassociated" and association.get("cidr_block"):
                blocks.add(association["cidr_block"])
        return [ipaddress.ip_network(block, strict=False) for block in blocks if block]

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        vpc = backend.get_vpc(properties["VpcId"])
        peer_account = properties.get("PeerOwnerId") or account_id
        peer_region = properties.get("PeerRegion") or region_name
        peer_vpc = ec2_backends[peer_account][peer_region].get_vpc(properties["PeerVpcId"])
        overlap = [f"{mine} and {theirs}" for mine in ranges(vpc) for theirs in ranges(peer_vpc) if mine.overlaps(theirs)]
        if overlap:
            raise EC2ClientError(
                "InvalidParameterValue",
                f"VPC peering connection between {vpc.id} and {peer_vpc.id} failed: overlapping CIDR blocks ({', '.join(overlap)})",
            )
        tags = {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}
        pcx = backend.create_vpc_peering_connection(vpc, peer_vpc, tags)
        if peer_account == account_id and "PeerRoleArn" not in properties:
            pcx._status.accept()
        return pcx

    def delete(self: Any, account_id: str, region_name: str) -> None:
        self._status.deleted(deleter_id=account_id)

    VPCPeeringConnection.create_from_cloudformation_json = classmethod(create)
    VPCPeeringConnection.delete = delete


class TransitGatewayAttachmentModel:
    """AWS::EC2::TransitGatewayAttachment as CloudFormation makes it: a VPC attachment
    (CreateTransitGatewayVpcAttachment) of VpcId to TransitGatewayId in SubnetIds, tagged;
    Ref is the attachment id. TransitGatewayId and VpcId are create-only; SubnetIds and Tags are
    updated in place ("Update requires: No interruption",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-transitgatewayattachment.html).
    Deleting the resource deletes the attachment. EC2's own rules apply as moto has them: the
    gateway must exist, and one VPC attaches once to one gateway."""

    __module__ = "moto.ec2.models"

    def __init__(self, attachment: Any) -> None:
        self.attachment = attachment

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayAttachment"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return self.attachment.id

    @property
    def physical_resource_id(self) -> str:
        return self.attachment.id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        tags = {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])}
        attachment = backend.create_transit_gateway_vpc_attachment(
            transit_gateway_id=properties["TransitGatewayId"], vpc_id=properties["VpcId"], subnet_ids=list(properties["SubnetIds"]), tags=tags
        )
        return cls(attachment)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:  # type: ignore[misc]
        properties = cloudformation_json["Properties"]
        old = original_resource.attachment if original_resource is not None else None
        if old is None or old.transit_gateway.id != properties["TransitGatewayId"] or old.vpc_id != properties["VpcId"]:
            if original_resource is not None:
                original_resource.delete(account_id, region_name)
            return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        wanted = list(properties["SubnetIds"])
        ec2_backends[account_id][region_name].modify_transit_gateway_vpc_attachment(
            transit_gateway_attachment_id=old.id,
            add_subnet_ids=[subnet for subnet in wanted if subnet not in old.subnet_ids],
            remove_subnet_ids=[subnet for subnet in old.subnet_ids if subnet not in wanted],
        )
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            ec2_backends[account_id][region_name].delete_transit_gateway_vpc_attachment(self.attachment.id)
        except KeyError:  # already gone
            pass


def restore_transit_gateway_attachment() -> None:
    """AWS: CloudFormation makes an AWS::EC2::TransitGatewayAttachment (a VPC attachment,
    DescribeTransitGatewayVpcAttachments lists it with its subnets), updates its subnets in place
    and deletes it with the resource. moto's CloudFormation skipped the type: no attachment."""
    from .resource_models import register_model

    register_model(TransitGatewayAttachmentModel)
