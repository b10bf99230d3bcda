"""CodeBuild builds: StartBuild with its overrides, phases that take time, the build's log in
CloudWatch Logs, a Dockerfile that fails, and `docker push` to the account's ECR."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime, timezone
from typing import Any

from moto.codebuild import models as codebuild_models
from moto.codebuild import responses as codebuild_responses
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from .codebuild_inputs import SourceError, effective_environment, effective_source, manifest, push_refusal, s3_files, s3_object_text, variables
from .codebuild_runner import SRC_DIR, PhaseRun, Shell, buildspec_of, run_phases

# Each phase of an emulated build lasts this long (AWS: seconds to minutes).
PHASE_SECONDS = float(os.environ.get("MOTO_CODEBUILD_PHASE_SECONDS", "0.2"))
_LOCK = threading.RLock()
_PHASE_ORDER = ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD"]


class EmulatedBuild:
    """One build: its phases worked out when it starts, revealed as time passes."""

    def __init__(self, backend: Any, project: Any, overrides: dict[str, Any]):
        self.account_id, self.region = backend.account_id, backend.region_name
        metadata = project.project_metadata
        name = metadata["name"]
        build_uuid = str(mock_random.uuid4())
        self.id = f"{name}:{build_uuid}"
        self.started = time.time()
        self.stopped = False
        self.applied = 0
        source, environment = effective_source(metadata, overrides), effective_environment(metadata, overrides)
        logs_config = overrides.get("logsConfigOverride") or metadata.get("logsConfig") or {"cloudWatchLogs": {"status": "ENABLED"}}
        cloud_watch = logs_config.get("cloudWatchLogs") or {"status": "ENABLED"}
        self.log_group = cloud_watch.get("groupName") or f"/aws/codebuild/{name}"
        self.log_stream = f"{cloud_watch['streamName']}/{build_uuid}" if cloud_watch.get("streamName") else build_uuid
        self.logging = cloud_watch.get("status", "ENABLED") == "ENABLED"
        history = backend.build_history.setdefault(name, [])
        partition = get_partition(self.region)
        self.record: dict[str, Any] = {
            "id": self.id,
            "arn": f"arn:{partition}:codebuild:{self.region}:{self.account_id}:build/{self.id}",
            "buildNumber": len(history) + 1,
            "startTime": self.started,
            "currentPhase": "SUBMITTED",
            "buildStatus": "IN_PROGRESS",
            "projectName": name,
            "source": source,
            "secondarySources": [],
            "artifacts": {"location": ""},
            "environment": environment,
            "serviceRole": metadata["serviceRole"],
            "logs": {
                "groupName": self.log_group,
                "streamName": self.log_stream,
                "deepLink": f"https://console.aws.amazon.com/cloudwatch/home?region={self.region}#logsV2:log-groups/log-group/{self.log_group}/log-events/{self.log_stream}",
                "cloudWatchLogsArn": f"arn:{partition}:logs:{self.region}:{self.account_id}:log-group:{self.log_group}:log-stream:{self.log_stream}",
                "cloudWatchLogs": cloud_watch,
                "s3Logs": logs_config.get("s3Logs") or {"status": "DISABLED", "encryptionDisabled": False},
            }
            if self.logging
            else {"cloudWatchLogs": cloud_watch},
            "timeoutInMinutes": int(overrides.get("timeoutInMinutesOverride") or metadata.get("timeoutInMinutes") or 60),
            "queuedTimeoutInMinutes": int(metadata.get("queuedTimeoutInMinutes") or 480),
            "buildComplete": False,
            "initiator": "racknet-test",
            "encryptionKey": metadata.get("encryptionKey"),
        }
        if overrides.get("sourceVersion"):
            self.record["sourceVersion"] = overrides["sourceVersion"]
        if metadata.get("vpcConfig"):
            self.record["vpcConfig"] = metadata["vpcConfig"]
        self.phases = self._plan(source, environment)

    def _plan(self, source: dict[str, Any], environment: dict[str, Any]) -> list[dict[str, Any]]:
        """Every phase the build will go through, each with its start and end: SUBMITTED takes no
        time, each later phase PHASE_SECONDS; a phase the build skips takes none."""
        planned: list[dict[str, Any]] = []

        def start(index: int) -> float:
            return self.started + PHASE_SECONDS * max(index - 1, 0)

        def stamp(phase: str) -> str:
            moment = datetime.fromtimestamp(start(_PHASE_ORDER.index(phase)), timezone.utc)
            return "[Container] " + moment.strftime("%Y/%m/%d %H:%M:%S.%f")

        def add(run: PhaseRun) -> None:
            index = len(planned)
            planned.append({"run": run, "start": start(index), "end": start(index) + (PHASE_SECONDS if index else 0)})

        add(PhaseRun("SUBMITTED"))
        add(PhaseRun("QUEUED"))
        add(PhaseRun("PROVISIONING", lines=[f"{stamp('PROVISIONING')} Running on CodeBuild On-demand", f"{stamp('PROVISIONING')} Waiting for agent ping", f"{stamp('PROVISIONING')} Waiting for DOWNLOAD_SOURCE"]))
        download = PhaseRun("DOWNLOAD_SOURCE", lines=[f"{stamp('DOWNLOAD_SOURCE')} Phase is DOWNLOAD_SOURCE", f"{stamp('DOWNLOAD_SOURCE')} CODEBUILD_SRC_DIR={SRC_DIR}"])
        add(download)
        runs: list[PhaseRun] = []
        try:
            given = variables(self.account_id, self.region, environment["environmentVariables"])
            files = self._files(source)
            spec = self._buildspec(source, files)
        except SourceError as error:
            download.succeeded = False
            download.context = {"statusCode": error.status_code, "message": error.message}
            download.lines += [f"{stamp('DOWNLOAD_SOURCE')} Phase complete: DOWNLOAD_SOURCE State: FAILED", f"{stamp('DOWNLOAD_SOURCE')} Phase context status code: {error.status_code} Message: {error.message}"]
        else:
            env = {
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "CODEBUILD_BUILD_ID": self.id,
                "CODEBUILD_BUILD_ARN": self.record["arn"],
                "CODEBUILD_BUILD_NUMBER": str(self.record["buildNumber"]),
                "CODEBUILD_BUILD_IMAGE": str(environment.get("image", "")),
                "CODEBUILD_INITIATOR": self.record["initiator"],
                "CODEBUILD_SRC_DIR": SRC_DIR,
                "CODEBUILD_RESOLVED_SOURCE_VERSION": self.record.get("sourceVersion", ""),
                **given,
            }
            shell = Shell(env, files, self.account_id, self.region, push_refusal(self.account_id, self.region))
            runs = run_phases(spec, shell, stamp)
        for run in runs:
            add(run)
        if runs and runs[-1].phase in ("BUILD", "POST_BUILD"):
            add(PhaseRun("UPLOAD_ARTIFACTS"))  # AWS always attempts it once BUILD ran, even if BUILD failed
        add(PhaseRun("FINALIZING"))
        add(PhaseRun("COMPLETED"))
        return planned

    def _files(self, source: dict[str, Any]) -> dict[str, bytes]:
        kind = source.get("type")
        if kind == "NO_SOURCE":
            return {}
        if kind == "S3":
            return s3_files(self.account_id, self.region, source.get("location", ""))
        raise SourceError("CLIENT_ERROR", f"source type {kind} is not emulated by moto (S3 and NO_SOURCE are)")

    def _buildspec(self, source: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        given = (source.get("buildspec") or "").strip()
        try:
            if "\n" in given or given.startswith("version"):
                return buildspec_of(given)
            path = given or "buildspec.yml"
            if path.startswith("arn:"):
                text = s3_object_text(self.account_id, self.region, path)
            elif path in files:
                text = files[path].decode("utf-8", "replace")
            else:
                raise SourceError("YAML_FILE_ERROR", f"stat {SRC_DIR}/{path}: no such file or directory")
            return buildspec_of(text)
        except (ValueError, TypeError) as error:
            raise SourceError("YAML_FILE_ERROR", str(error))

    def advance(self) -> None:
        """Applies what the build did up to now, once: its log lines and its image pushes."""
        with _LOCK:
            now = time.time()
            while self.applied < len(self.phases):
                phase = self.phases[self.applied]
                if phase["end"] > now:
                    break
                run: PhaseRun = phase["run"]
                self._log(run.lines, phase["start"])
                for push in run.pushes:
                    from moto.ecr.models import ecr_backends

                    ecr_backends[self.account_id][self.region].put_image(push.repository, manifest(push.image_id), push.tag)
                self.applied += 1

    def _log(self, lines: list[str], at: float) -> None:
        if not lines or not self.logging:
            return
        from moto.logs.models import logs_backends

        backend = logs_backends[self.account_id][self.region]
        backend.ensure_log_group(self.log_group)
        group = backend.groups[self.log_group]
        if self.log_stream not in group.streams:
            group.create_log_stream(self.log_stream)
        stamp = int(at * 1000)
        group.put_log_events(self.log_stream, [{"timestamp": stamp, "message": line} for line in lines])

    def describe(self) -> dict[str, Any]:
        """The build as BatchGetBuilds shows it now: the phases done, the current one without a status."""
        self.advance()
        now = time.time()
        phases: list[dict[str, Any]] = []
        current = "SUBMITTED"
        failed = False
        for phase in self.phases:
            run: PhaseRun = phase["run"]
            if phase["start"] > now:
                break
            entry: dict[str, Any] = {"phaseType": run.phase, "startTime": phase["start"]}
            phases.append(entry)
            current = run.phase
            if run.phase == "COMPLETED" or phase["end"] > now:
                break
            status = phase.get("status") or ("SUCCEEDED" if run.succeeded else "FAILED")
            entry.update({"phaseStatus": status, "endTime": phase["end"], "durationInSeconds": int(round(phase["end"] - phase["start"]))})
            if run.context:
                entry["contexts"] = [run.context]
            failed = failed or status == "FAILED"
        record = dict(self.record, phases=phases, currentPhase=current)
        if current == "COMPLETED":
            record["buildComplete"] = True
            record["buildStatus"] = "STOPPED" if self.stopped else ("FAILED" if failed else "SUCCEEDED")
            record["endTime"] = phases[-1]["startTime"]
        return record

    def stop(self) -> None:
        """StopBuild: the phase in progress ends STOPPED, the build goes to FINALIZING and COMPLETED."""
        with _LOCK:
            self.advance()
            now = time.time()
            if self.stopped or self.phases[-1]["start"] <= now:
                return
            self.stopped = True
            kept = [phase for phase in self.phases if phase["end"] <= now and phase["run"].phase != "COMPLETED"]
            running = next(phase for phase in self.phases if phase["end"] > now)
            kept.append({"run": PhaseRun(running["run"].phase), "start": running["start"], "end": now, "status": "STOPPED"})
            kept.append({"run": PhaseRun("FINALIZING"), "start": now, "end": now + PHASE_SECONDS})
            kept.append({"run": PhaseRun("COMPLETED"), "start": now + PHASE_SECONDS, "end": now + PHASE_SECONDS})
            self.phases = kept


def _builds(backend: Any) -> dict[str, EmulatedBuild]:
    if not hasattr(backend, "_racknet_builds"):
        backend._racknet_builds = {}
    return backend._racknet_builds


def _follow(build: EmulatedBuild) -> None:
    """Applies the build's effects when each phase ends, as AWS does, whether or not anyone looks."""

    def follow() -> None:
        for phase in build.phases:
            delay = phase["end"] - time.time()
            if delay > 0:
                time.sleep(delay)
            build.advance()

    threading.Thread(target=follow, daemon=True, name=f"codebuild {build.id}").start()


def restore_codebuild_builds() -> None:
    """AWS: StartBuild (with sourceTypeOverride, sourceLocationOverride, buildspecOverride,
    environmentVariablesOverride, privilegedModeOverride, computeTypeOverride, imageOverride,
    logsConfigOverride) runs the buildspec: the build moves through SUBMITTED, QUEUED,
    PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD, POST_BUILD, UPLOAD_ARTIFACTS,
    FINALIZING and COMPLETED over time (BatchGetBuilds shows the phases done so far, the current
    one without status), writes its log to the CloudWatch Logs group and stream of its LogsConfig
    (default /aws/codebuild/PROJECT, stream BUILD-UUID or PREFIX/BUILD-UUID), fails in
    DOWNLOAD_SOURCE when the source or buildspec cannot be read, fails the phase whose command
    fails (a `docker build` whose Dockerfile RUNs `exit N` or `false`, or COPYs or ADDs a source
    the build context does not have once its .dockerignore is applied, as docker refuses it:
    "COPY failed: file not found in build context or excluded by .dockerignore",
    https://docs.docker.com/reference/build-checks/copy-ignored-file/: "Trying to copy or add a file which is missing from the context will result in a build error"; a `docker push` of an image
    not built or not logged in, or to a repository that does not exist), still runs POST_BUILD
    after a failed BUILD, and ends SUCCEEDED, FAILED or (StopBuild) STOPPED. `docker push` to the
    account's ECR registers the image under its tag. moto jumped every build to SUCCEEDED at the
    first BatchGetBuilds, ignored the overrides and the source, and wrote no log."""
    backend_class = codebuild_models.CodeBuildBackend

    def start_build(self: Any, project_name: str, overrides: dict[str, Any]) -> dict[str, Any]:
        project = self.codebuild_projects[project_name]
        build = EmulatedBuild(self, project, overrides)
        _builds(self)[build.id] = build
        self.build_history.setdefault(project_name, []).append(build.id)
        self.build_metadata_history[project_name].append(build.record)
        _follow(build)
        return build.describe()

    def batch_get_builds(self: Any, ids: list[str]) -> list[dict[str, Any]]:
        builds = _builds(self)
        return [builds[build_id].describe() for build_id in ids if build_id in builds]

    def stop_build(self: Any, build_id: str) -> dict[str, Any]:
        build = _builds(self)[build_id]
        build.stop()
        return build.describe()

    def start_build_response(self: Any) -> str:
        codebuild_responses._validate_required_params_project_name(self._get_param("projectName"))
        name = self._get_param("projectName")
        if name not in self.codebuild_backend.codebuild_projects:
            raise codebuild_responses.ResourceNotFoundException(
                f"Project cannot be found: arn:{get_partition(self.region)}:codebuild:{self.region}:{self.current_account}:project/{name}"
            )
        keys = ("sourceTypeOverride", "sourceLocationOverride", "buildspecOverride", "environmentVariablesOverride", "privilegedModeOverride", "computeTypeOverride", "imageOverride", "logsConfigOverride", "sourceVersion", "timeoutInMinutesOverride")
        overrides = {key: self._get_param(key) for key in keys if self._get_param(key) is not None}
        return json.dumps({"build": self.codebuild_backend.start_build(name, overrides)})

    backend_class.start_build = start_build
    backend_class.batch_get_builds = batch_get_builds
    backend_class.stop_build = stop_build
    codebuild_responses.CodeBuildResponse.start_build = start_build_response
