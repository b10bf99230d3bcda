"""CloudWatch Logs reads."""

from __future__ import annotations

from typing import Any


def restore_filter_log_events_stream_prefix_and_order() -> None:
    """AWS: FilterLogEvents with logStreamNamePrefix searches only the log group's streams whose
    names start with it (giving it together with logStreamNames is an InvalidParameterException),
    and returns the events of all searched streams interleaved by time (the interleaved parameter
    is ignored and taken as true). moto ignored the prefix, searching every stream, and listed
    the events stream by stream unless interleaved was set."""
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import LogsBackend
    from moto.logs.responses import LogsResponse

    previous_backend = LogsBackend.filter_log_events

    def filter_log_events(self: Any, log_group_name: str, log_stream_names: list[str], start_time: int, end_time: int, limit: int | None, next_token: str | None, filter_pattern: str, interleaved: bool) -> Any:
        return previous_backend(self, log_group_name, log_stream_names, start_time, end_time, limit, next_token, filter_pattern, True)

    previous_response = LogsResponse.filter_log_events

    def filter_log_events_response(self: Any) -> str:
        prefix = self._get_param("logStreamNamePrefix")
        if prefix is None:
            return previous_response(self)
        if self._get_param("logStreamNames"):
            raise InvalidParameterException(msg="Cannot specify both logStreamNames and logStreamNamePrefix")
        group = self.logs_backend.groups.get(self._get_param("logGroupName"))
        names = [name for name in (group.streams if group is not None else {}) if name.startswith(prefix)]
        if not names:
            return '{"events": [], "searchedLogStreams": []}'
        read = self._get_param
        self._get_param = lambda name, if_none=None: names if name == "logStreamNames" else read(name, if_none)
        return previous_response(self)

    LogsBackend.filter_log_events = filter_log_events
    LogsResponse.filter_log_events = filter_log_events_response
