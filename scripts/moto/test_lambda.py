"""Reproductions for Lambda account settings (patches/awslambda.py), Service Quotas (patches/servicequotas.py) and NAT gateway interfaces (patches/ec2.py)."""

from __future__ import annotations

from selftest import Clients, expect_equal, test


@test
def get_account_settings_answers_the_default_quota(aws: Clients) -> None:
    limit = aws.named("lambda").get_account_settings()["AccountLimit"]
    expect_equal(limit["ConcurrentExecutions"], 1000, "the default concurrency quota")
    expect_equal(limit["UnreservedConcurrentExecutions"], 1000, "nothing reserved yet")


@test
def service_quotas_default_and_applied_values(aws: Clients) -> None:
    quotas = aws.named("service-quotas")
    default = quotas.get_aws_default_service_quota(ServiceCode="ec2", QuotaCode="L-0263D0A3")["Quota"]["Value"]
    expect_equal(default, 5.0, "EC2-VPC Elastic IPs' default")
    vpcs = quotas.get_aws_default_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")["Quota"]["Value"]
    expect_equal(vpcs, 5.0, "VPCs per region's default")


@test
def nat_gateway_interface_says_whose_it_is(aws: Clients) -> None:
    vpc = aws.ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = aws.ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    allocation = aws.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = aws.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    interfaces = aws.ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]
    expect_equal([(eni["InterfaceType"], eni["Description"], eni["RequesterManaged"]) for eni in interfaces], [("natGateway", f"Interface for NAT Gateway {nat}", True)], "the NAT gateway's interface")
