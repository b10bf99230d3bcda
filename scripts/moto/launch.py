"""Start moto_server (moto 5.2) after patching the places where it departs from AWS.

Each patch restores one AWS behaviour that racknet's end-to-end tests rely on (see
docs/moto.md, one row per patch). The rule: a patch makes moto behave like AWS, never like
racknet wants. The patches live in patches/, one module per AWS service; each function's
docstring names the AWS behaviour it restores. This file only orders them and starts the server.

    python3 scripts/moto/launch.py --host 127.0.0.1 --port 5100
    python3 scripts/moto/launch.py --fork-server /tmp/moto.sock   # servers forked on request (speed.py)
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).parent))

from patches import (  # noqa: E402  (the folder above must be on the path first)
    acm,
    acm_dns_validation,
    application_autoscaling,
    awslambda,
    budgets,
    cloudformation_cancel,
    cloudformation_change_sets,
    cloudformation_drift,
    cloudformation_replacement,
    cloudformation_rollback,
    cloudformation_stacks,
    cloudformation_updates,
    codebuild,
    codebuild_builds,
    ec2,
    ec2_peering_accounts,
    ecr,
    ecs_desired_count,
    ecs_run_task,
    ecs_services,
    ecs_task_definitions,
    elasticache,
    elbv2,
    kms,
    logs,
    rds,
    route53,
    route53_vpc_association,
    s3,
    scheduler,
    secretsmanager,
    servicequotas,
    ssm,
)
import speed  # noqa: E402

# The order matters where a patch wraps what an earlier one installed.
PATCHES: list[Callable[[], None]] = [
    # Innermost: the resource delete every later patch wraps (journals, not-found) takes the final snapshot.
    rds.restore_final_snapshot_on_delete,
    # First, so that it wraps stock moto and the later patches see a finished (rolled back) operation.
    cloudformation_rollback.restore_rollback_on_resource_failure,
    ec2.restore_eni_private_dns_name,
    ecs_task_definitions.restore_task_definition_properties,
    ecs_task_definitions.restore_fargate_task_level_memory,
    ec2.restore_deletion_of_network_resources,
    ecs_services.restore_deletion_of_services_and_clusters,
    elbv2.restore_deletion_of_load_balancing_resources,
    ssm.restore_ssm_parameter_attributes,
    elbv2.restore_load_balancer_attributes,
    cloudformation_updates.restore_resources_kept_on_update,
    cloudformation_change_sets.restore_outputs_after_change_set,
    cloudformation_change_sets.restore_executed_change_sets_leave_list,
    cloudformation_updates.restore_condition_aware_updates,
    cloudformation_change_sets.restore_empty_change_set_status,
    ec2.restore_subnet_route_table_association,
    ec2.restore_route_target_updates,
    route53.restore_private_hosted_zones,
    # Replaces AssociateVPCWithHostedZone and its kin as stock moto answers them (zones of two accounts).
    route53_vpc_association.restore_vpc_association_authorizations,
    ecs_services.restore_ecs_service_properties,
    elbv2.restore_listener_certificates,
    elbv2.restore_network_load_balancers_and_listener_attributes,
    # Wraps the load balancer's create as restore_network_load_balancers_and_listener_attributes leaves it.
    elbv2.restore_load_balancer_attributes_on_create_and_update,
    # After the condition-aware diff, which it extends.
    cloudformation_updates.restore_updates_of_dependents,
    # After restore_task_definition_properties, whose create it uses.
    ecs_task_definitions.restore_task_definition_revisions,
    # Intrinsic functions and parameters: on top of the change-set patches above.
    cloudformation_stacks.restore_fn_cidr,
    cloudformation_stacks.restore_list_parameter_values,
    # After restore_subnet_route_table_association; installs the subnet's update only if none is.
    ec2.restore_subnet_map_public_ip_on_launch,
    # Wraps restore_ecs_service_properties' create/update: it only adds these two fields.
    ecs_services.restore_ecs_service_load_balancers_and_deployment_configuration,
    acm.restore_acm_reimport_tags,
    cloudformation_stacks.restore_stack_resources_exist,
    codebuild.restore_codebuild_project_resource,
    codebuild_builds.restore_codebuild_builds,
    ecr.restore_ecr_repository_properties,
    kms.restore_kms_key_properties,
    application_autoscaling.restore_application_autoscaling_resources,
    scheduler.restore_scheduler_schedule_resource,
    budgets.restore_budget_resource,
    secretsmanager.restore_secrets_and_dynamic_references,
    rds.restore_parameter_group_ref_default_port_and_security_groups,
    # Wraps the instance's create as restore_parameter_group_ref_default_port_and_security_groups leaves it.
    rds.restore_db_instance_updates,
    elasticache.restore_elasticache_resources,
    scheduler.restore_events_rule_ecs_network_configuration,
    # Wraps the service's create/update as the patches above leave them.
    ecs_services.restore_ecs_service_health_check_grace_period,
    elbv2.restore_target_group_attributes_and_updates,
    ssm.restore_ssm_parameter_tags_and_names,
    # Describes the changes the condition-aware diff and its dependents' extension found.
    cloudformation_replacement.restore_change_set_replacement,
    ec2.restore_security_group_inline_rules,
    ec2.restore_security_group_ingress_description,
    # Replaces ListStackResources' answer (restore_stack_resources_exist still decides what it lists).
    cloudformation_drift.restore_drift_detection,
    logs.restore_filter_log_events_stream_prefix_and_order,
    awslambda.restore_get_account_settings,
    servicequotas.restore_service_quota_defaults_and_applied_values,
    ec2.restore_nat_gateway_network_interfaces,
    s3.restore_bucket_policy_conditions,
    s3.restore_list_buckets_region,
    # Reads the applied values restore_service_quota_defaults_and_applied_values answers.
    ec2.restore_network_quotas,
    ec2.restore_cloudformation_vpc_peering,
    # Wraps the peering's create restore_cloudformation_vpc_peering installed (two accounts).
    ec2_peering_accounts.restore_cross_account_peering_acceptance,
    ec2.restore_transit_gateway_attachment,
    # Replaces the cluster's delete that restore_deletion_of_services_and_clusters installed.
    ecs_services.restore_cluster_deletion_refused_while_in_use,
    ecs_services.restore_stopped_task_network_interface_release,
    # Replaces ResourceMap.delete and Stack.delete; each resource's delete is the patched one above.
    cloudformation_rollback.restore_stack_deletion_failure,
    # Wraps the service's create as the patches above leave it.
    ecs_desired_count.restore_desired_count_left_out,
    ecs_desired_count.restore_scalable_target_moves_capacity_into_range,
    ecs_run_task.restore_run_task_containers_run_their_command,
    # ACM's DNS validation, then the CloudFormation resource that relies on it (issue 23).
    acm_dns_validation.restore_dns_validation,
    acm_dns_validation.restore_list_certificates_names,
    acm_dns_validation.restore_certificate_resource,
    # Outermost: wraps the executed update as every patch above leaves it.
    cloudformation_cancel.restore_update_duration_and_cancel_update_stack,
]


def all_patches() -> list[Any]:
    """Every patch, in the order the server applies them (the self-test applies the same list)."""
    return list(PATCHES)


def main() -> None:
    warnings.filterwarnings("ignore")
    # Before the patches, so that any of them wrapping the template parse wraps the fast one.
    speed.parse_templates_fast()
    speed.list_moto_modules_once()
    for patch in PATCHES:
        patch()
    from moto.server import main as moto_server_main

    if sys.argv[1:2] == ["--fork-server"]:
        speed.serve_forks(sys.argv[2], moto_server_main)
    else:
        moto_server_main(sys.argv[1:])


if __name__ == "__main__":
    main()
