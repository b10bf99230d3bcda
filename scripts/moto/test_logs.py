"""Reproductions for CloudWatch Logs reads (patches/logs.py)."""

from __future__ import annotations

import time

from selftest import Clients, expect_equal, test, unique


@test
def filter_log_events_by_stream_prefix_interleaved(aws: Clients) -> None:
    group = f"/racknet/{unique('app')}"
    aws.logs.create_log_group(logGroupName=group)
    now = int(time.time() * 1000)
    lines = {"web/web/1": [(now, "web one"), (now + 2, "web two")], "web/web/2": [(now + 1, "web other task")], "worker/worker/1": [(now + 3, "worker")]}
    for stream, events in lines.items():
        aws.logs.create_log_stream(logGroupName=group, logStreamName=stream)
        aws.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[{"timestamp": at, "message": text} for at, text in events])
    found = aws.logs.filter_log_events(logGroupName=group, logStreamNamePrefix="web/", startTime=now - 1000)["events"]
    expect_equal([event["message"] for event in found], ["web one", "web other task", "web two"], "the prefix's streams, interleaved by time")
    everything = aws.logs.filter_log_events(logGroupName=group, startTime=now - 1000)["events"]
    expect_equal([event["message"] for event in everything], ["web one", "web other task", "web two", "worker"], "every stream, interleaved by time")
