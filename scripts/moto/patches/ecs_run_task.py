"""ECS RunTask: a task's essential container runs its command, logs what it prints and stops
with its exit code (worked out without running a container, as the CodeBuild patches do)."""

from __future__ import annotations

import re
import shlex
import time
from typing import Any

from moto.ecs import models as ecs_models
from moto.logs.models import logs_backends

from .codebuild_runner import CommandFailed, Shell

SHELLS = ("sh", "/bin/sh", "bash", "/bin/bash")


def _command_of(task: Any, container: dict[str, Any]) -> list[str] | None:
    """The command the container runs: RunTask's override, else the task definition's."""
    for override in (task.overrides or {}).get("containerOverrides", []) or []:
        if override.get("name") == container.get("name") and override.get("command"):
            return list(override["command"])
    command = container.get("command")
    return list(command) if command else None


# Programs the shell emulation knows to end at once; anything else (a server, a worker loop,
# `sleep`) is taken to run on, as a service's process does, until the task is stopped.
_ENDING_PROGRAMS = {"echo", "printf", "true", "false", "exit", ":"}


def _known_to_end(argv: list[str]) -> bool:
    """Whether the command is made only of programs that end at once (`sh -c` scripts included)."""
    if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in ("sh", "bash") and argv[1] == "-c":
        segments = [part.strip() for part in re.split(r"&&|\|\||;", argv[2])]
        return all(segment.split()[0] in _ENDING_PROGRAMS for segment in segments if segment)
    return argv[0].rsplit("/", 1)[-1] in _ENDING_PROGRAMS


def _environment_of(task: Any, container: dict[str, Any]) -> dict[str, str]:
    env = {entry["name"]: entry.get("value", "") for entry in container.get("environment") or []}
    for override in (task.overrides or {}).get("containerOverrides", []) or []:
        if override.get("name") == container.get("name"):
            env.update({entry["name"]: entry.get("value", "") for entry in override.get("environment") or []})
    return env


def _run(argv: list[str], env: dict[str, str], account_id: str, region: str) -> tuple[list[str], int]:
    """What the command prints and its exit code, as far as the CodeBuild shell emulation follows it."""
    script = argv[2] if len(argv) >= 3 and argv[0] in SHELLS and argv[1] == "-c" else shlex.join(argv)
    shell = Shell(env, {}, account_id, region, lambda *_: None)
    try:
        return shell.run(script), 0
    except CommandFailed as failure:
        return failure.output, failure.status


def _write_log(task: Any, container: dict[str, Any], lines: list[str]) -> None:
    """awslogs: group and stream prefix from the container's log configuration, stream PREFIX/NAME/TASK-ID."""
    config = container.get("logConfiguration") or {}
    options = config.get("options") or {}
    if config.get("logDriver") != "awslogs" or not options.get("awslogs-group") or not lines:
        return
    backend = logs_backends[task._account_id][options.get("awslogs-region") or task.region_name]
    group = options["awslogs-group"]
    prefix = options.get("awslogs-stream-prefix")
    stream = f"{prefix}/{container.get('name')}/{task.id}" if prefix else task.id
    if group not in backend.groups:
        return
    if stream not in backend.groups[group].streams:
        backend.create_log_stream(group, stream)
    now = int(time.time() * 1000)
    backend.put_log_events(group, stream, [{"timestamp": now + index, "message": line} for index, line in enumerate(lines)])


def restore_run_task_containers_run_their_command() -> None:
    """AWS: a task started with RunTask runs its essential container's command (RunTask's
    containerOverrides command, else the task definition's): what it prints goes to the
    awslogs group of its log configuration, stream `PREFIX/CONTAINER/TASK-ID`
    (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html), and when it
    exits the task stops: DescribeTasks shows the container `lastStatus` STOPPED with its
    `exitCode`, the task's `stopCode` EssentialContainerExited, `stoppedReason` "Essential
    container in task exited" and `stoppedAt`; a container has no exitCode before it stops
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Container.html). A task
    stopped by StopTask shows `stopCode` UserInitiated and the given reason. moto ran nothing,
    wrote no log, and showed every container PENDING with exitCode 0, also once STOPPED.
    moto cannot run the container: the command is read as the CodeBuild emulation reads a
    buildspec command (`echo`, `exit N`, `false`, `&&`, `;`, `||`, `$VAR`); `sh -c SCRIPT` runs
    SCRIPT so; anything else is taken to succeed (docs/moto.md, "ECS one-off tasks")."""
    backend_class = ecs_models.EC2ContainerServiceBackend
    original_run = backend_class.run_task
    original_describe = backend_class.describe_tasks
    original_stop = backend_class.stop_task

    def run_task(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        tasks = original_run(self, *args, **kwargs)
        for task in tasks:
            definition = self.describe_task_definition(task.task_definition_arn)
            container = next((one for one in definition.container_definitions if one.get("essential", True)), definition.container_definitions[0])
            argv = _command_of(task, container)
            lines, code = _run(argv, _environment_of(task, container), self.account_id, task.region_name) if argv else ([], 0)
            _write_log(task, container, lines)
            task._racknet_exit_code = code
            # The command "ran" here: on AWS the task stops once its essential container exits,
            # however long a service's tasks stay RUNNING (the state manager's progression, which
            # the tests set to keep service tasks running as on AWS, is not what ends a command).
            task._racknet_runs_command = bool(argv) and _known_to_end(argv)
            for one in task.containers:
                one.exitCode = None
                one.last_status = "RUNNING"
        return tasks

    def finish(task: Any) -> None:
        if getattr(task, "_racknet_finished", False) or task.last_status != "STOPPED":
            return
        task._racknet_finished = True
        user = getattr(task, "_racknet_user_stop", None)
        task.desired_status = "STOPPED"
        task.stopped_at = ecs_models.utcnow()
        task.stop_code = "UserInitiated" if user is not None else "EssentialContainerExited"
        task.stopped_reason = user if user is not None else "Essential container in task exited"
        for one in task.containers:
            one.last_status = "STOPPED"
            one.exitCode = None if user is not None else getattr(task, "_racknet_exit_code", 0)

    def describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> list[Any]:
        found = original_describe(self, cluster_str, tasks)
        for task in found:
            if getattr(task, "_racknet_runs_command", False) and task.last_status != "STOPPED":
                task.last_status = "STOPPED"
            finish(task)
        return found

    def stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
        task = original_stop(self, cluster_str, task_str, reason)
        if not getattr(task, "_racknet_finished", False):
            task._racknet_user_stop = reason
            finish(task)
        return task

    backend_class.run_task = run_task
    backend_class.describe_tasks = describe_tasks
    backend_class.stop_task = stop_task
