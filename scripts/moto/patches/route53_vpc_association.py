"""Route 53: a private hosted zone and a VPC of two different accounts."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.route53 import urls as route53_urls
from moto.route53.exceptions import NoSuchHostedZone, PublicZoneVPCAssociation, Route53ClientError
from moto.route53.models import Route53Backend, route53_backends
from moto.route53.responses import Route53

PARTITION = "aws"


class NotAuthorizedException(Route53ClientError):
    def __init__(self, zone_id: str, vpc_id: str) -> None:
        super().__init__(
            "NotAuthorizedException",
            f"The VPC: {vpc_id} has not been authorized to associate with the hosted zone {zone_id}: "
            "the account that created the hosted zone must first submit a CreateVPCAssociationAuthorization request",
        )


class VPCAssociationAuthorizationNotFound(Route53ClientError):
    def __init__(self, zone_id: str, vpc_id: str) -> None:
        super().__init__(
            "VPCAssociationAuthorizationNotFound",
            f"The VPC: {vpc_id} has not been authorized to associate with the hosted zone {zone_id}",
        )


class VPCAssociationNotFound(Route53ClientError):
    def __init__(self, zone_id: str, vpc_id: str) -> None:
        super().__init__("VPCAssociationNotFound", f"The VPC: {vpc_id} is not associated with the hosted zone {zone_id}")


def restore_vpc_association_authorizations() -> None:
    """AWS: "If you want to associate a VPC that was created by using one AWS account with a
    private hosted zone that was created by using a different account, the AWS account that
    created the private hosted zone must first submit a CreateVPCAssociationAuthorization
    request. Then the account that created the VPC must submit an AssociateVPCWithHostedZone
    request" (https://docs.aws.amazon.com/Route53/latest/APIReference/API_AssociateVPCWithHostedZone.html;
    the Developer Guide's "Associating an Amazon VPC and a private hosted zone that you created
    with different AWS accounts",
    https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html).
    So: CreateVPCAssociationAuthorization, ListVPCAssociationAuthorizations and
    DeleteVPCAssociationAuthorization are the zone owner's (a zone of another account is
    NoSuchHostedZone; deleting an authorization that does not exist is
    VPCAssociationAuthorizationNotFound, API_DeleteVPCAssociationAuthorization.html); an
    AssociateVPCWithHostedZone of another account's zone, or of another account's VPC, without
    the authorization is NotAuthorizedException; the authorization stays until deleted (the
    guide: "we recommend that you delete the authorization" after associating); the VPC's
    account may disassociate it from the other account's zone (API_DisassociateVPCFromHostedZone.html:
    "the account that created the VPC"), and ListHostedZonesByVPC from the VPC's account lists
    the other account's zone with its OwningAccount (API_ListHostedZonesByVPC.html). moto 5.2 had
    none of the three calls, and AssociateVPCWithHostedZone looked in the caller's zones only,
    without any authorization (an association AWS refuses)."""

    def authorizations(backend: Route53Backend) -> dict[str, list[dict[str, str]]]:
        if not hasattr(backend, "vpc_association_authorizations"):
            backend.vpc_association_authorizations = {}  # type: ignore[attr-defined]
        return backend.vpc_association_authorizations  # type: ignore[attr-defined,no-any-return]

    def bare(zone_id: str) -> str:
        return zone_id.replace("/hostedzone/", "")

    def zone_owner(zone_id: str) -> tuple[str, Any] | None:
        for account_id in list(route53_backends.keys()):
            backend = route53_backends[account_id][PARTITION]
            zone = backend.zones.get(bare(zone_id))
            if zone is not None:
                return account_id, zone
        return None

    def vpc_owners(vpc_id: str, vpc_region: str | None) -> set[str]:
        from moto.ec2.models import ec2_backends

        owners = set()
        for account_id in list(ec2_backends.keys()):
            for region, backend in list(ec2_backends[account_id].items()):
                if (vpc_region is None or region == vpc_region) and vpc_id in backend.vpcs:
                    owners.add(account_id)
        return owners

    def authorized(owner_backend: Route53Backend, zone_id: str, vpc_id: str) -> bool:
        return any(vpc["VPCId"] == vpc_id for vpc in authorizations(owner_backend).get(bare(zone_id), []))

    def vpc_param(self: Route53) -> dict[str, str]:
        vpc = {"VPCId": self._get_param("VPC.VPCId") or "", "VPCRegion": self._get_param("VPC.VPCRegion") or self.region}
        return vpc

    def own_zone(self: Route53) -> Any:
        # The authorization calls are the zone owner's: a zone of another account is not found.
        return self.backend.get_hosted_zone(self._get_param("HostedZoneId"))

    def create_vpc_association_authorization(self: Route53) -> ActionResult:
        zone = own_zone(self)
        vpc = vpc_param(self)
        listed = authorizations(self.backend).setdefault(zone.resource_id, [])
        if not any(item["VPCId"] == vpc["VPCId"] for item in listed):
            listed.append(vpc)
        return ActionResult({"HostedZoneId": zone.resource_id, "VPC": vpc})

    def list_vpc_association_authorizations(self: Route53) -> ActionResult:
        zone = own_zone(self)
        return ActionResult({"HostedZoneId": zone.resource_id, "VPCs": list(authorizations(self.backend).get(zone.resource_id, []))})

    def delete_vpc_association_authorization(self: Route53) -> ActionResult:
        zone = own_zone(self)
        vpc = vpc_param(self)
        listed = authorizations(self.backend).get(zone.resource_id, [])
        if not any(item["VPCId"] == vpc["VPCId"] for item in listed):
            raise VPCAssociationAuthorizationNotFound(zone.resource_id, vpc["VPCId"])
        authorizations(self.backend)[zone.resource_id] = [item for item in listed if item["VPCId"] != vpc["VPCId"]]
        return ActionResult({})

    def change_info(comment: str | None) -> ActionResult:
        return ActionResult({"ChangeInfo": {"Id": "/change/a1b2c3d4", "Status": "INSYNC", "SubmittedAt": utcnow(), "Comment": comment}})

    def associate_vpc_with_hosted_zone(self: Route53) -> ActionResult:
        zone_id = self._get_param("HostedZoneId")
        vpc = vpc_param(self)
        caller = self.current_account
        found = zone_owner(zone_id)
        if found is None:
            raise NoSuchHostedZone(zone_id)
        owner, zone = found
        owners = vpc_owners(vpc["VPCId"], vpc["VPCRegion"])
        # Two accounts: the VPC's account submits (a VPC moto does not hold counts as the caller's),
        # with the zone owner's authorization.
        if owners and caller not in owners:
            raise NotAuthorizedException(zone.resource_id, vpc["VPCId"])
        if owner != caller and not authorized(route53_backends[owner][PARTITION], zone_id, vpc["VPCId"]):
            raise NotAuthorizedException(zone.resource_id, vpc["VPCId"])
        if not zone.private_zone:
            raise PublicZoneVPCAssociation()
        if not any(item.get("vpc_id") == vpc["VPCId"] for item in zone.vpcs):
            zone.add_vpc(vpc["VPCId"], vpc["VPCRegion"])
        return change_info(self._get_param("Comment"))

    original_disassociate = Route53.disassociate_vpc_from_hosted_zone

    def disassociate_vpc_from_hosted_zone(self: Route53) -> Any:
        zone_id = self._get_param("HostedZoneId")
        if bare(zone_id) in self.backend.zones:
            return original_disassociate(self)
        vpc = vpc_param(self)
        found = zone_owner(zone_id)
        # Another account's zone: only the VPC's own account may take its VPC out.
        if found is None or self.current_account not in vpc_owners(vpc["VPCId"], None):
            raise NoSuchHostedZone(zone_id)
        _, zone = found
        if not any(item.get("vpc_id") == vpc["VPCId"] for item in zone.vpcs):
            raise VPCAssociationNotFound(zone.resource_id, vpc["VPCId"])
        route53_backends[found[0]][PARTITION].disassociate_vpc_from_hosted_zone(zone.resource_id, vpc["VPCId"])
        return change_info(self._get_param("Comment"))

    def list_hosted_zones_by_vpc(self: Route53) -> ActionResult:
        vpc_id = self._get_param("VPCId")
        summaries = list(self.backend.list_hosted_zones_by_vpc(vpc_id))
        if self.current_account in vpc_owners(vpc_id, None):
            for account_id in list(route53_backends.keys()):
                if account_id == self.current_account:
                    continue
                for summary in route53_backends[account_id][PARTITION].list_hosted_zones_by_vpc(vpc_id):
                    summaries.append({**summary, "Owner": {"OwningAccount": account_id}})
        return ActionResult({"HostedZoneSummaries": summaries})

    route53_urls.url_paths.update(
        {
            r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/authorizevpcassociation/?$": Route53.dispatch,
            r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)/deauthorizevpcassociation/?$": Route53.dispatch,
        }
    )
    Route53.create_vpc_association_authorization = create_vpc_association_authorization  # type: ignore[attr-defined]
    Route53.list_vpc_association_authorizations = list_vpc_association_authorizations  # type: ignore[attr-defined]
    Route53.delete_vpc_association_authorization = delete_vpc_association_authorization  # type: ignore[attr-defined]
    Route53.associate_vpc_with_hosted_zone = associate_vpc_with_hosted_zone  # type: ignore[method-assign]
    Route53.disassociate_vpc_from_hosted_zone = disassociate_vpc_from_hosted_zone  # type: ignore[method-assign]
    Route53.list_hosted_zones_by_vpc = list_hosted_zones_by_vpc  # type: ignore[method-assign]
