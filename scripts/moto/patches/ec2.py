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
    NAT gateways) deletes NAT gateways, Elastic IPs, routes, route tables, internet gateways and
    their attachments. moto has no delete for these types, so they outlived their stack."""
    from moto.ec2.models.elastic_ip_addresses import ElasticAddress
    from moto.ec2.models.internet_gateways import InternetGateway
    from moto.ec2.models.nat_gateways import NatGateway
    from moto.ec2.models.route_tables import Route, RouteTable
    from moto.ec2.models.vpn_gateway import VPCGatewayAttachment

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
    }
    for model, action in deletions.items():
        model.delete = deleting(action)

