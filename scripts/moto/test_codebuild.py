"""Reproductions for CodeBuild: AWS::CodeBuild::Project from a template (patches/codebuild.py)
and builds that run their buildspec (patches/codebuild_builds.py)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

from selftest import Clients, create_stack, expect_equal, test, unique

ACCOUNT = "123456789012"
REGISTRY = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/rack-build"

BUILDSPEC = """version: 0.2
phases:
  pre_build:
    commands:
      - aws ecr get-login-password --region $AWS_REGION | docker login --username AWS --password-stdin $REGISTRY
  build:
    commands:
      - docker build -t $IMAGE -f $DOCKERFILE .
  post_build:
    commands:
      - docker push $IMAGE
"""


def project_template(name: str, compute: str = "BUILD_GENERAL1_SMALL", buildspec: str = BUILDSPEC) -> dict[str, Any]:
    return {
        "Resources": {
            "Repository": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": f"{name}/web"}},
            "Project": {
                "Type": "AWS::CodeBuild::Project",
                "Properties": {
                    "Name": name,
                    "ServiceRole": ROLE,
                    "Artifacts": {"Type": "NO_ARTIFACTS"},
                    "Environment": {
                        "Type": "LINUX_CONTAINER",
                        "ComputeType": compute,
                        "Image": "aws/codebuild/standard:7.0",
                        "PrivilegedMode": True,
                        "EnvironmentVariables": [{"Name": "REGISTRY", "Value": REGISTRY}, {"Name": "DOCKERFILE", "Value": "Dockerfile"}],
                    },
                    "Source": {"Type": "NO_SOURCE", "BuildSpec": buildspec},
                    "VpcConfig": {"VpcId": "vpc-0a1b", "Subnets": ["subnet-0a1b"], "SecurityGroupIds": ["sg-0a1b"]},
                    "LogsConfig": {"CloudWatchLogs": {"Status": "ENABLED", "GroupName": f"/racknet/{name}/builds", "StreamName": "web"}},
                },
            },
        },
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Project", "Arn"]}}, "Name": {"Value": {"Ref": "Project"}}},
    }


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(aws: Clients, key: str, body: bytes) -> str:
    bucket = "racknet-build-sources"
    try:
        aws.s3.create_bucket(Bucket=bucket)
    except aws.s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    aws.s3.put_object(Bucket=bucket, Key=key, Body=body)
    return f"{bucket}/{key}"


def start(aws: Clients, project: str, location: str, image: str, **extra: Any) -> str:
    build = aws.codebuild.start_build(
        projectName=project,
        sourceTypeOverride="S3",
        sourceLocationOverride=location,
        environmentVariablesOverride=[{"name": "IMAGE", "value": image, "type": "PLAINTEXT"}],
        **extra,
    )["build"]
    return build["id"]


def finished(aws: Clients, build_ids: list[str], seconds: float = 20) -> dict[str, dict[str, Any]]:
    deadline = time.time() + seconds
    while True:
        builds = {build["id"]: build for build in aws.codebuild.batch_get_builds(ids=build_ids)["builds"]}
        if all(build["buildComplete"] for build in builds.values()) or time.time() > deadline:
            return builds
        time.sleep(0.2)


def log_of(aws: Clients, build: dict[str, Any]) -> list[str]:
    logs = build["logs"]
    events = aws.logs.get_log_events(logGroupName=logs["groupName"], logStreamName=logs["streamName"], startFromHead=True)["events"]
    return [event["message"] for event in events]


def phase_statuses(build: dict[str, Any]) -> dict[str, str | None]:
    return {phase["phaseType"]: phase.get("phaseStatus") for phase in build["phases"]}


@test
def codebuild_project_from_template(aws: Clients) -> None:
    name = unique("rack")
    stack = create_stack(aws, project_template(name))
    project = aws.codebuild.batch_get_projects(names=[name])["projects"][0]
    expect_equal(project["serviceRole"], ROLE, "ServiceRole")
    environment = project["environment"]
    expect_equal((environment["computeType"], environment["privilegedMode"]), ("BUILD_GENERAL1_SMALL", True), "ComputeType, PrivilegedMode")
    expect_equal(environment["environmentVariables"][0], {"name": "REGISTRY", "value": REGISTRY, "type": "PLAINTEXT"}, "EnvironmentVariables")
    expect_equal((project["source"]["type"], project["source"]["buildspec"]), ("NO_SOURCE", BUILDSPEC), "Source")
    expect_equal(project["vpcConfig"], {"vpcId": "vpc-0a1b", "subnets": ["subnet-0a1b"], "securityGroupIds": ["sg-0a1b"]}, "VpcConfig")
    expect_equal(project["logsConfig"]["cloudWatchLogs"], {"status": "ENABLED", "groupName": f"/racknet/{name}/builds", "streamName": "web"}, "LogsConfig")
    described = aws.cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    values = {output["OutputKey"]: output["OutputValue"] for output in described["Outputs"]}
    expect_equal(values, {"Arn": f"arn:aws:codebuild:us-east-1:{ACCOUNT}:project/{name}", "Name": name}, "GetAtt Arn and Ref")

    aws.cloudformation.update_stack(StackName=stack, TemplateBody=json.dumps(project_template(name, compute="BUILD_GENERAL1_MEDIUM")))
    updated = aws.codebuild.batch_get_projects(names=[name])["projects"][0]
    expect_equal((updated["environment"]["computeType"], updated["arn"]), ("BUILD_GENERAL1_MEDIUM", project["arn"]), "updated in place")

    aws.cloudformation.delete_stack(StackName=stack)
    expect_equal(aws.codebuild.batch_get_projects(names=[name])["projects"], [], "deleted with the stack")


@test
def codebuild_builds_run_the_buildspec(aws: Clients) -> None:
    name = unique("rack")
    create_stack(aws, project_template(name))
    image = f"{REGISTRY}/{name}/web"
    good = upload(aws, f"{name}/good.zip", zipped({"Dockerfile": "FROM node:20-alpine\nRUN npm ci\nCOPY . .\n", "server.js": "listen()"}))
    bad = upload(aws, f"{name}/bad.zip", zipped({"Dockerfile": "FROM node:20-alpine\nRUN npm ci && \\\n    exit 1\nCOPY . .\n"}))
    tarball = upload(aws, f"{name}/context.tar.gz", b"\x1f\x8b\x08\x00 not a zip")
    no_buildspec = upload(aws, f"{name}/plain.zip", zipped({"Dockerfile": "FROM scratch\n"}))
    ids = {
        "good": start(aws, name, good, f"{image}:v1"),
        "bad": start(aws, name, bad, f"{image}:v2"),
        "tarball": start(aws, name, tarball, f"{image}:v3"),
        "no buildspec": start(aws, name, no_buildspec, f"{image}:v4", buildspecOverride="buildspec.yml"),
        "other repository": start(aws, name, good, f"{REGISTRY}/{name}/missing:v5"),
    }

    running = aws.codebuild.batch_get_builds(ids=[ids["good"]])["builds"][0]
    expect_equal((running["buildStatus"], running["buildComplete"]), ("IN_PROGRESS", False), "a build takes time")
    expect_equal("phaseStatus" in running["phases"][-1], False, "the current phase has no status yet")

    builds = {label: finished(aws, [build_id])[build_id] for label, build_id in ids.items()}

    good_build = builds["good"]
    expect_equal(good_build["buildStatus"], "SUCCEEDED", "good build")
    expect_equal(list(phase_statuses(good_build)), ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"], "phases")
    expect_equal((good_build["logs"]["groupName"], good_build["logs"]["streamName"]), (f"/racknet/{name}/builds", f"web/{ids['good'].split(':')[1]}"), "log group and stream of LogsConfig")
    good_log = log_of(aws, good_build)
    assert any(line.endswith("Running command docker build -t $IMAGE -f $DOCKERFILE .") for line in good_log), good_log
    assert f"Successfully tagged {image}:v1" in good_log, good_log
    images = aws.ecr.describe_images(repositoryName=f"{name}/web")["imageDetails"]
    expect_equal([image_detail["imageTags"] for image_detail in images], [["v1"]], "docker push registered the image in ECR")

    bad_build = builds["bad"]
    expect_equal((bad_build["buildStatus"], phase_statuses(bad_build)["BUILD"], phase_statuses(bad_build)["POST_BUILD"]), ("FAILED", "FAILED", "FAILED"), "failing RUN")
    bad_log = log_of(aws, bad_build)
    assert "The command '/bin/sh -c npm ci &&     exit 1' returned a non-zero code: 1" in bad_log, bad_log
    assert any("Phase complete: BUILD State: FAILED" in line for line in bad_log), bad_log

    tarball_build = builds["tarball"]
    download = next(phase for phase in tarball_build["phases"] if phase["phaseType"] == "DOWNLOAD_SOURCE")
    expect_equal((tarball_build["buildStatus"], download["phaseStatus"], download["contexts"][0]["statusCode"]), ("FAILED", "FAILED", "CLIENT_ERROR"), "a source that is not a ZIP")
    expect_equal(list(phase_statuses(tarball_build))[-2:], ["FINALIZING", "COMPLETED"], "DOWNLOAD_SOURCE failure skips to FINALIZING")

    no_spec = next(phase for phase in builds["no buildspec"]["phases"] if phase["phaseType"] == "DOWNLOAD_SOURCE")
    expect_equal(no_spec["contexts"][0]["statusCode"], "YAML_FILE_ERROR", "no buildspec.yml in the source")

    other = builds["other repository"]
    expect_equal((other["buildStatus"], phase_statuses(other)["POST_BUILD"]), ("FAILED", "FAILED"), "push to a repository that does not exist")
    assert any("name unknown: The repository with name" in line for line in log_of(aws, other))
    expect_equal(len(aws.ecr.describe_images(repositoryName=f"{name}/web")["imageDetails"]), 1, "failed builds pushed nothing")


@test
def codebuild_push_needs_login_and_stop_build_stops(aws: Clients) -> None:
    name = unique("rack")
    create_stack(aws, project_template(name, buildspec=BUILDSPEC.replace("docker login", "echo skipped docker-login")))
    source = upload(aws, f"{name}/good.zip", zipped({"Dockerfile": "FROM scratch\nCOPY . .\n"}))
    not_logged_in = start(aws, name, source, f"{REGISTRY}/{name}/web:v1")
    stopped = start(aws, name, source, f"{REGISTRY}/{name}/web:v2")
    aws.codebuild.stop_build(id=stopped)
    builds = finished(aws, [not_logged_in, stopped])
    expect_equal(builds[not_logged_in]["buildStatus"], "FAILED", "push without docker login")
    assert "no basic auth credentials" in log_of(aws, builds[not_logged_in])
    expect_equal(builds[stopped]["buildStatus"], "STOPPED", "StopBuild")
    expect_equal([status for status in phase_statuses(builds[stopped]).values() if status == "STOPPED"], ["STOPPED"], "the phase in progress is STOPPED")
