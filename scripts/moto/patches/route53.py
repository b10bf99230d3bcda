"""Route 53 hosted zones made by CloudFormation."""

from __future__ import annotations

from typing import Any

from moto.route53 import models as route53_models
from moto.utilities.utils import get_partition


def restore_private_hosted_zones() -> None:
    """AWS: an AWS::Route53::HostedZone with VPCs is a private zone associated with those VPCs
    (GetHostedZone lists them, Config.PrivateZone is true, ListHostedZonesByVPC finds it), its
    name ends with a dot, HostedZoneConfig.Comment is kept, an update that changes VPCs
    associates/disassociates them in place (a new Name replaces the zone), and deleting the
    stack deletes the zone, as DeleteHostedZone does: only when it holds nothing but its SOA and
    NS records, else the zone is DELETE_FAILED with HostedZoneNotEmpty
    (https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html: "If the
    hosted zone contains other resource record sets, you must delete them before you can delete
    the hosted zone"; the stack's own AWS::Route53::RecordSet resources go first, since they
    refer to it). Record sets find their zone by HostedZoneName with or without the final dot."""
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
        # DeleteHostedZone's rule: records the stack does not own (written by hand or by a
        # function) make the zone's deletion fail with HostedZoneNotEmpty.
        backend = backend_for(account_id, region_name)
        if self.resource_id in backend.zones:
            backend.delete_hosted_zone(self.resource_id)

    original_by_name = route53_models.Route53Backend.get_hosted_zone_by_name

    def get_hosted_zone_by_name(self: Any, name: str) -> Any:
        return original_by_name(self, name) or (original_by_name(self, zone_name(name)) if name else None)

    FakeZone.create_from_cloudformation_json = classmethod(create)
    FakeZone.update_from_cloudformation_json = classmethod(update)
    FakeZone.delete = delete
    route53_models.Route53Backend.get_hosted_zone_by_name = get_hosted_zone_by_name
