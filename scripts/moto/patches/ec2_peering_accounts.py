"""EC2: a VPC peering connection made by CloudFormation across two accounts."""

from __future__ import annotations

import json
from typing import Any


def restore_cross_account_peering_acceptance() -> None:
    """AWS: "If the VPCs belong to different accounts, the acceptor account must have a role that
    allows the requester account to accept the VPC peering connection" (PeerRoleArn: "required
    when you are peering a VPC in a different AWS account",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html;
    the walkthrough "Peer with a VPC in another AWS account",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/peer-with-vpc-in-another-account.html).
    CloudFormation assumes that role and accepts the connection, so the resource is complete with
    the peering active; without a role, or with one the requester's account cannot assume (absent
    from the accepter's account, or whose trust policy does not name the requester's account),
    the resource fails ("User ... cannot accept peering pcx-...",
    https://github.com/aws/aws-cdk/issues/17383). moto (after restore_cloudformation_vpc_peering)
    left such a peering pending-acceptance whatever the role."""
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.vpc_peering_connections import VPCPeeringConnection
    from moto.iam.models import iam_backends

    created = VPCPeeringConnection.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def assumable(role_arn: str, owner: str, requester: str) -> bool:
        parts = role_arn.split(":")
        if len(parts) < 6 or parts[4] != owner:
            return False
        try:
            role = iam_backends[owner][parts[1] or "aws"].get_role_by_arn(role_arn)
        except Exception:  # noqa: BLE001  (moto's IAMNotFoundException: the role is not there)
            return False
        document = role.assume_role_policy_document
        trust = json.loads(document) if isinstance(document, str) else document
        statements = trust.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            principal = (statement.get("Principal") or {}).get("AWS", [])
            names = principal if isinstance(principal, list) else [principal]
            if statement.get("Effect") == "Allow" and any(requester in str(name) for name in names):
                return True
        return False

    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json["Properties"]
        peer_account = properties.get("PeerOwnerId") or account_id
        if peer_account == account_id:
            return created(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        role_arn = properties.get("PeerRoleArn") or ""
        pcx = created(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        if not assumable(role_arn, peer_account, account_id):
            pcx._status.deleted(deleter_id=account_id)
            raise EC2ClientError("OperationNotPermitted", f"User {account_id} cannot accept peering {pcx.id}")
        pcx._status.accept()
        return pcx

    VPCPeeringConnection.create_from_cloudformation_json = classmethod(create)
