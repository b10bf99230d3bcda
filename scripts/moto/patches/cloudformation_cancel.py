"""CloudFormation: an update takes time, and CancelUpdateStack rolls a running one back."""

from __future__ import annotations

import os
import threading
from typing import Any

from moto.cloudformation import models as cfn_models
from moto.cloudformation import responses as cfn_responses

from .cloudformation_change_sets import find_change_set
from .cloudformation_rollback import _fail_and_roll_back, _journal, _physical_id, _resource_event, _Snapshot

SECONDS_VARIABLE = "MOTO_CLOUDFORMATION_UPDATE_SECONDS"


class _Running:
    """An update applied but not yet finished: what a cancel puts back."""

    def __init__(self, stack: Any, snapshot: _Snapshot, journal: list[tuple[str, str]], updated: list[tuple[str, str]]):
        self.stack = stack
        self.snapshot = snapshot
        self.journal = journal
        self.updated = updated  # (logical id, type) of each resource the update changed
        self.lock = threading.Lock()
        self.done = False
        self.timer: threading.Timer | None = None


def _update_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(SECONDS_VARIABLE, "0")))
    except ValueError:
        return 0.0


def restore_update_duration_and_cancel_update_stack() -> None:
    """AWS: an update runs for a while (an ECS service's until its deployment is stable):
    the stack is UPDATE_IN_PROGRESS and each changed resource UPDATE_IN_PROGRESS until it is
    done. CancelUpdateStack "cancels an update on the specified stack. If the call completes
    successfully, the stack rolls back the update and reverts to the previous stack
    configuration. You can cancel only stacks that are in the UPDATE_IN_PROGRESS state"
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CancelUpdateStack.html):
    the resources in flight end UPDATE_FAILED "Resource update cancelled", then
    UPDATE_ROLLBACK_IN_PROGRESS ("Stack update cancelled"), the resources updated back,
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS and UPDATE_ROLLBACK_COMPLETE; in any other
    status it is a ValidationError "CancelUpdateStack cannot be called from current stack
    status". moto applied an update at once and had no CancelUpdateStack. How long an update
    runs here: MOTO_CLOUDFORMATION_UPDATE_SECONDS (default 0, at once as before)."""
    backend_class = cfn_models.CloudFormationBackend
    original_execute = backend_class.execute_change_set
    running: dict[str, _Running] = {}

    def finish(update: _Running) -> None:
        with update.lock:
            if update.done:
                return
            update.done = True
            stack = update.stack
            for logical_id, resource_type in update.updated:
                _resource_event(stack, logical_id, resource_type, "UPDATE_COMPLETE", _physical_id(stack.resource_map._parsed_resources.get(logical_id)))
            stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
            stack.status = "UPDATE_COMPLETE"
            stack._add_stack_event("UPDATE_COMPLETE")
            running.pop(stack.stack_id, None)

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        seconds = _update_seconds()
        change_set = find_change_set(self, change_set_name, stack_name)
        if seconds <= 0 or change_set is None or change_set.change_set_type != "UPDATE":
            return original_execute(self, change_set_name, stack_name)
        stack = self.stacks[change_set.stack_id]
        snapshot = _Snapshot(stack)
        events_before = len(stack.events)
        original_execute(self, change_set_name, stack_name)
        if stack.status != "UPDATE_COMPLETE":
            return  # it failed and rolled back already
        journal = list(_journal(stack.resource_map))
        # The update is done in moto; AWS would still be at it: hold the final events back.
        stack.events = [event for index, event in enumerate(stack.events) if index < events_before or event.resource_status not in ("UPDATE_COMPLETE", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") or event.logical_resource_id != stack.name]
        stack.status = "UPDATE_IN_PROGRESS"
        json_map = stack.resource_map._resource_json_map
        updated = [(logical_id, (json_map.get(logical_id) or {}).get("Type", "")) for action, logical_id in journal if action == "updated"]
        for logical_id, resource_type in updated:
            _resource_event(stack, logical_id, resource_type, "UPDATE_IN_PROGRESS", _physical_id(stack.resource_map._parsed_resources.get(logical_id)))
        update = _Running(stack, snapshot, journal, updated)
        update.timer = threading.Timer(seconds, finish, args=(update,))
        update.timer.daemon = True
        running[stack.stack_id] = update
        update.timer.start()

    def cancel_update_stack(self: Any, stack_name: str) -> None:
        stack = self.get_stack(stack_name)
        if stack is None:
            raise cfn_models.ValidationError(stack_name)
        update = running.get(stack.stack_id)
        if update is None or stack.status != "UPDATE_IN_PROGRESS":
            raise cfn_models.ValidationError(stack_name, message=f"CancelUpdateStack cannot be called from current stack status: {stack.status}")
        with update.lock:
            if update.done:
                raise cfn_models.ValidationError(stack_name, message=f"CancelUpdateStack cannot be called from current stack status: {stack.status}")
            update.done = True
            if update.timer:
                update.timer.cancel()
            for logical_id, resource_type in update.updated:
                _resource_event(stack, logical_id, resource_type, "UPDATE_FAILED", reason="Resource update cancelled")
            stack.resource_map._racknet_journal = list(update.journal)
            _fail_and_roll_back(stack, Exception("Stack update cancelled"), update.snapshot)
            running.pop(stack.stack_id, None)

    def cancel_update_stack_response(self: Any) -> Any:
        self.cloudformation_backend.cancel_update_stack(self._get_param("StackName"))
        return cfn_responses.ActionResult({})

    backend_class.execute_change_set = execute_change_set
    backend_class.cancel_update_stack = cancel_update_stack
    cfn_responses.CloudFormationResponse.cancel_update_stack = cancel_update_stack_response
