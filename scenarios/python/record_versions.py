#!/usr/bin/env python3
"""Records the `py_versioned_booking` v1 histories with the Python SDK, for the replay tests of
`cli/tests/replay_versions_python.rs`.

Runs a v1 worker in this process against the server at `--address` and records `RECORDINGS`
(the same plan as the Rust recorder `record-versions`) into `<out>/<name>.json`, canonical proto3
JSON: two bookings that run to completion (different inputs) and one recorded while the workflow
waits on its hour-long hold timer (then terminated, so nothing is left running). Each history is
checked (v1's result, its activities, its timer); nothing is written unless all of them behave.
Exits 0 on success, 1 when a recording failed, 2 on bad usage.

Usually run by `cargo run -p wfkit-scenarios --bin record-versions`, which starts the real dev
server; by hand, against any server:
    .venv/bin/python scenarios/python/record_versions.py --address 127.0.0.1:7233 \\
        --out fixtures/py_versioned_booking/v1
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Sequence

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Worker

import versions
from versions.booking import WORKFLOW_TYPE, BookingInput

# Bounds each workflow, so a recorder that dies leaves nothing running for long.
EXECUTION_TIMEOUT = timedelta(seconds=60)
# A hold that outlasts the recording: the workflow is recorded while waiting on it.
WAITING_HOLD_MS = 3_600_000
# How long one recording may take, start to history.
RECORDING_TIMEOUT_S = 30.0
# Between two history fetches while waiting for the timer.
POLL_INTERVAL_S = 0.02
# Fixed, not the SDK's `pid@host` and code hash, so recordings do not depend on the machine or
# the checkout (the Rust recorder fixes the same fields).
CLIENT_IDENTITY = "wfkit-scenarios-py"
WORKER_IDENTITY = "wfkit-scenarios-py-worker"
BUILD_ID = "wfkit-scenarios-py-0.1.0"


@dataclass(frozen=True)
class Recording:
    """One history to record: its file name and the workflow input."""

    name: str
    booking: BookingInput

    @property
    def waits(self) -> bool:
        return self.booking.hold_ms == WAITING_HOLD_MS


RECORDINGS = [
    Recording("completed-1", BookingInput("b-100", 12_000, 200)),
    Recording("completed-2", BookingInput("b-200", 99, 50)),
    Recording("waiting-on-timer", BookingInput("b-300", 4_500, WAITING_HOLD_MS)),
]


class RecordingFailed(Exception):
    """A recording did not behave as v1 should; the message says how."""


def activity_types(history: WorkflowHistory) -> list[str]:
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def count(history: WorkflowHistory, event_type: int) -> int:
    return sum(1 for e in history.events if e.event_type == event_type)


async def record_completed(client: Client, task_queue: str, recording: Recording) -> WorkflowHistory:
    booking = recording.booking
    handle = await client.start_workflow(
        WORKFLOW_TYPE,
        booking,
        id=f"wfkit-fixture-py_versioned_booking-{recording.name}",
        task_queue=task_queue,
        execution_timeout=EXECUTION_TIMEOUT,
    )
    result = await handle.result()
    expected = (
        f"reservation-{booking.booking_id}, "
        f"charged {booking.amount_cents} cents for {booking.booking_id}"
    )
    if result != expected:
        raise RecordingFailed(f"result {result!r}, expected {expected!r}")
    history = await handle.fetch_history()
    problems = []
    if activity_types(history) != ["py_reserve", "py_charge"]:
        problems.append(f"activities {activity_types(history)}, expected py_reserve, py_charge")
    if count(history, EventType.EVENT_TYPE_TIMER_FIRED) != 1:
        problems.append("expected one TimerFired")
    if history.events[-1].event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        problems.append("the history does not end with WorkflowExecutionCompleted")
    if problems:
        raise RecordingFailed("; ".join(problems))
    return history


async def record_waiting(client: Client, task_queue: str, recording: Recording) -> WorkflowHistory:
    """Starts the workflow, waits until its last event is TimerStarted (the task that started
    the timer has completed, nothing else is pending), keeps that history, then terminates."""
    handle = await client.start_workflow(
        WORKFLOW_TYPE,
        recording.booking,
        id=f"wfkit-fixture-py_versioned_booking-{recording.name}",
        task_queue=task_queue,
        execution_timeout=EXECUTION_TIMEOUT,
    )
    while True:
        history = await handle.fetch_history()
        if history.events and history.events[-1].event_type == EventType.EVENT_TYPE_TIMER_STARTED:
            break
        await asyncio.sleep(POLL_INTERVAL_S)
    await handle.terminate(reason="recorded while waiting on its timer")
    if activity_types(history) != ["py_reserve"]:
        raise RecordingFailed(f"activities {activity_types(history)}, expected py_reserve")
    return history


async def run(args: argparse.Namespace) -> int:
    client = await Client.connect(args.address, namespace=args.namespace, identity=CLIENT_IDENTITY)
    recorded: list[tuple[Recording, WorkflowHistory]] = []
    failures: list[str] = []
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=versions.workflows("v1"),
        activities=versions.ACTIVITIES,
        identity=WORKER_IDENTITY,
        build_id=BUILD_ID,
    )
    async with worker:
        for recording in RECORDINGS:
            record = record_waiting if recording.waits else record_completed
            started = time.monotonic()
            try:
                history = await asyncio.wait_for(
                    record(client, args.task_queue, recording), timeout=RECORDING_TIMEOUT_S
                )
            except Exception as err:  # noqa: BLE001 - reported, then exit 1
                failures.append(f"{recording.name}: {type(err).__name__}: {err}")
                continue
            elapsed_ms = (time.monotonic() - started) * 1000
            print(f"ok   {recording.name}: {len(history.events)} events in {elapsed_ms:.0f} ms", flush=True)
            recorded.append((recording, history))
    if failures:
        print("record_versions: nothing written; failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for recording, history in recorded:
        path = args.out / f"{recording.name}.json"
        path.write_text(history.to_json() + "\n", encoding="utf-8")
        print(f"{path}: {len(history.events)} events", flush=True)
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Record the py_versioned_booking v1 histories into OUT/<name>.json."
    )
    parser.add_argument("--address", required=True, help="the server's gRPC HOST:PORT")
    parser.add_argument("--namespace", default="default", help="namespace (default: default)")
    parser.add_argument(
        "--task-queue", default="wfkit-versions-py", help="task queue (default: wfkit-versions-py)"
    )
    parser.add_argument("--out", required=True, type=Path, help="directory for the histories")
    return parser.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    code = asyncio.run(run(parse_args(sys.argv[1:])))
    # The SDK's Rust threads can outlive the event loop (temporalio/sdk-python#300): skip
    # interpreter finalisation once everything is written.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
