"""What a CodeBuild build starts from: its source files (an S3 ZIP or folder), its buildspec
when it is an S3 object, its environment variables, and what the account's ECR would refuse
to take from `docker push`."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from typing import Any

from moto.utilities.utils import get_partition


class SourceError(Exception):
    def __init__(self, status_code: str, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def s3_files(account_id: str, region: str, location: str) -> dict[str, bytes]:
    """The files of an S3 source: a ZIP object, or every object under a folder (AWS reads no other archive)."""
    from moto.s3.models import s3_backends

    bucket_name, _, key = location.removeprefix(f"arn:{get_partition(region)}:s3:::").partition("/")
    backend = s3_backends[account_id][get_partition(region)]
    try:
        bucket = backend.get_bucket(bucket_name)
    except Exception:
        raise SourceError("CLIENT_ERROR", f"NoSuchBucket: The specified bucket does not exist for primary source {location}")
    if not key or key.endswith("/"):
        return {name[len(key):]: stored.value for name, stored in bucket.keys.items() if name.startswith(key) and not name.endswith("/")}
    stored = backend.get_object(bucket_name, key)
    if stored is None:
        raise SourceError("CLIENT_ERROR", f"NoSuchKey: The specified key does not exist. for primary source {location}")
    try:
        with zipfile.ZipFile(io.BytesIO(stored.value)) as archive:
            return {item.filename: archive.read(item) for item in archive.infolist() if not item.is_dir()}
    except zipfile.BadZipFile:
        raise SourceError("CLIENT_ERROR", f"zip: not a valid zip file for primary source {location}")


def variables(account_id: str, region: str, given: list[dict[str, Any]]) -> dict[str, str]:
    from moto.ssm.models import ssm_backends

    values: dict[str, str] = {}
    for variable in given:
        kind, value = variable.get("type", "PLAINTEXT"), str(variable.get("value", ""))
        if kind == "PARAMETER_STORE":
            parameter = ssm_backends[account_id][region].get_parameter(value)
            if parameter is None:
                raise SourceError("CLIENT_ERROR", f"Parameter Store parameter {value} for environment variable {variable['name']} does not exist")
            value = parameter.value
        elif kind != "PLAINTEXT":
            raise SourceError("CLIENT_ERROR", f"environment variables of type {kind} are not emulated by moto")
        values[variable["name"]] = value
    return values


def merge_variables(project: list[dict[str, Any]], override: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    merged = {variable["name"]: {"type": "PLAINTEXT", **variable} for variable in project}
    for variable in override or []:
        merged[variable["name"]] = {"type": "PLAINTEXT", **variable}
    return list(merged.values())


def push_refusal(account_id: str, region: str) -> Any:
    from moto.ecr.models import ecr_backends

    def refusal(repository: str, tag: str, image_id: str) -> str | None:
        found = ecr_backends[account_id][region].repositories.get(repository)
        if found is None:
            return f"name unknown: The repository with name '{repository}' does not exist in the registry with id '{account_id}'"
        if found.image_tag_mutability == "IMMUTABLE" and any(tag in (image.image_tags or [image.image_tag]) and manifest(image_id) != image.image_manifest for image in found.images):
            return f"tag invalid: The image tag '{tag}' already exists in the '{repository}' repository and cannot be overwritten because the repository is immutable."
        return None

    return refusal


def manifest(image_id: str) -> str:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1570, "digest": f"sha256:{image_id}"},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1024, "digest": f"sha256:{image_id}"}],
        }
    )


def s3_object_text(account_id: str, region: str, arn: str) -> str:
    from moto.s3.models import s3_backends

    bucket, _, key = arn.removeprefix(f"arn:{get_partition(region)}:s3:::").partition("/")
    stored = s3_backends[account_id][get_partition(region)].get_object(bucket, key)
    if stored is None:
        raise SourceError("YAML_FILE_ERROR", f"the buildspec {arn} does not exist")
    return stored.value.decode("utf-8", "replace")


def effective_source(project: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The project's source with StartBuild's source type, location and buildspec overrides."""
    source = dict(project["source"])
    for key, override in (("type", "sourceTypeOverride"), ("location", "sourceLocationOverride"), ("buildspec", "buildspecOverride")):
        if overrides.get(override):
            source[key] = overrides[override]
    return source


def effective_environment(project: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The project's environment with StartBuild's overrides (a variable of the same name replaces the project's)."""
    environment = copy.deepcopy(project["environment"])
    environment["environmentVariables"] = merge_variables(environment.get("environmentVariables") or [], overrides.get("environmentVariablesOverride"))
    for key, override in (("privilegedMode", "privilegedModeOverride"), ("computeType", "computeTypeOverride"), ("image", "imageOverride")):
        if overrides.get(override) is not None:
            environment[key] = overrides[override]
    return environment
