#!/usr/bin/env python3
"""Drives one schedule through the Python SDK's schedule client against a server and prints what
the client observed as JSON on stdout, with what differs from run to run left out (times, run
ids). `engine/tests/python_schedules.rs` runs it on the real dev server and on the wfkit engine
and compares the two outputs.

The schedule starts `py_scheduled` (in `wfkit_scenarios.py`) every 2 s with BUFFER_ONE; the
driver checks a duplicate create, waits for two actions, pauses with a note, triggers, backfills
three past times, reads a started workflow's search attributes, lists, deletes, and asks for an
unknown schedule. Every wait is bounded; a wait that runs out is reported and exits 1.

Usage: run_schedules.py --address HOST:PORT --task-queue Q [--namespace NS] [--prefix P]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable, Sequence

from google.protobuf.json_format import MessageToDict
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleBackfill,
    ScheduleDescription,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.service import RPCError
from temporalio.worker import Worker

import wfkit_scenarios as scenarios

EVERY = timedelta(seconds=2)
# Bounds every wait for the schedule to act (its actions come every 2 s).
WAIT_LIMIT_S = 30.0
POLL_INTERVAL_S = 0.1
# Timestamps and times that differ from run to run.
DROPPED_KEYS = {"startTime", "endTime", "createTime", "updateTime", "scheduleTime", "actualTime"}


class DriverFailed(Exception):
    """A wait ran out or the server answered what the driver cannot go on from."""


def scrub(value: Any) -> Any:
    """The dict without the keys that differ from run to run."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in DROPPED_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


async def wait_for(
    handle: Any, what: str, done: Callable[[ScheduleDescription], bool]
) -> ScheduleDescription:
    deadline = asyncio.get_running_loop().time() + WAIT_LIMIT_S
    while True:
        described = await handle.describe()
        if done(described):
            return described
        if asyncio.get_running_loop().time() > deadline:
            raise DriverFailed(f"waited {WAIT_LIMIT_S} s for {what}; info: {described.info}")
        await asyncio.sleep(POLL_INTERVAL_S)


async def error_name(call: Awaitable[Any]) -> str:
    try:
        await call
    except RPCError as err:
        return err.status.name
    return "no error"


async def drive(client: Client, task_queue: str, prefix: str) -> dict[str, Any]:
    schedule_id = f"{prefix}-schedule"
    workflow_id = f"{prefix}-wf"
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            "py_scheduled", "tick", id=workflow_id, task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=EVERY)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.BUFFER_ONE),
    )
    observed: dict[str, Any] = {}
    handle = await client.create_schedule(schedule_id, schedule, memo={"owner": "wfkit"})
    try:
        await client.create_schedule(schedule_id, schedule)
        observed["duplicate create"] = "accepted"
    except ScheduleAlreadyRunningError:
        observed["duplicate create"] = "ScheduleAlreadyRunningError"

    await wait_for(handle, "two actions", lambda d: d.info.num_actions >= 2)
    await handle.pause(note="paused by the test")
    paused = await handle.describe()
    observed["paused schedule"] = scrub(MessageToDict(paused.raw_description.schedule))
    observed["memo"] = await paused.memo()
    observed["conflict token after pause"] = paused.raw_description.conflict_token.hex()

    before = paused.info.num_actions
    await handle.trigger(overlap=ScheduleOverlapPolicy.ALLOW_ALL)
    await wait_for(handle, "the trigger's action", lambda d: d.info.num_actions == before + 1)

    # Three past times, both ends inclusive, on the schedule's 2 s grid.
    now = datetime.now(timezone.utc).replace(microsecond=0)
    base = now - timedelta(seconds=60 + now.second % 2)
    await handle.backfill(
        ScheduleBackfill(
            start_at=base, end_at=base + 2 * EVERY, overlap=ScheduleOverlapPolicy.ALLOW_ALL
        )
    )
    after = await wait_for(
        handle, "three backfilled actions", lambda d: d.info.num_actions == before + 4
    )
    started_ids = [
        action.action.workflow_id for action in after.info.recent_actions[-3:]
    ]
    expected_ids = [
        f"{workflow_id}-{(base + k * EVERY).strftime('%Y-%m-%dT%H:%M:%SZ')}" for k in range(3)
    ]
    observed["backfilled workflow ids as expected"] = started_ids == expected_ids
    observed["recent actions kept, at most 10"] = 6 <= len(after.info.recent_actions) <= 10
    observed["skipped or missed while paused"] = (
        after.info.num_actions_skipped_overlap,
        after.info.num_actions_missed_catchup_window,
    )

    started = await client.get_workflow_handle(started_ids[-1]).describe()
    attributes = MessageToDict(started.raw_description.workflow_execution_info.search_attributes)
    fields = attributes.get("indexedFields", {})
    observed["started workflow's search attributes"] = sorted(fields)
    observed["scheduled by"] = fields.get("TemporalScheduledById", {}).get("data")
    observed["started workflow's result"] = await client.get_workflow_handle(
        started_ids[-1]
    ).result()

    listed = [entry async for entry in await client.list_schedules() if entry.id == schedule_id]
    observed["listed"] = [
        {
            "paused": entry.schedule.state.paused if entry.schedule else None,
            "note": entry.schedule.state.note if entry.schedule else None,
            "workflow type": entry.schedule.action.workflow if entry.schedule else None,
            "recent actions": len(entry.info.recent_actions) if entry.info else None,
            "next action times": len(entry.info.next_action_times) if entry.info else None,
        }
        for entry in listed
    ]

    await handle.delete()
    observed["describe after delete"] = await error_name(handle.describe())
    observed["describe unknown"] = await error_name(
        client.get_schedule_handle(f"{prefix}-unknown").describe()
    )
    return observed


async def run(args: argparse.Namespace) -> int:
    client = await Client.connect(args.address, namespace=args.namespace)
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=scenarios.WORKFLOWS,
        activities=scenarios.ACTIVITIES,
    )
    async with worker:
        try:
            observed = await drive(client, args.task_queue, args.prefix)
        except DriverFailed as err:
            print(f"run_schedules: {err}", file=sys.stderr)
            return 1
    print(json.dumps(observed, indent=2, sort_keys=True))
    return 0


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--prefix", default="py-schedules")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    exit_code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is printed and the worker is shut down; the SDK's native runtime threads can
    # still be winding down, and interpreter finalisation then aborts in them
    # (PyGILState_Release, seen on a loaded machine). Leave without finalising.
    os._exit(exit_code)
