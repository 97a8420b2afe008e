"""The Python SDK's time-skipping test environment on wfkit's test server.

Temporal's `WorkflowEnvironment.start_time_skipping()` downloads the Java test server at first
use; with `test_server_existing_path` it runs a binary already on the machine instead, as
`<exe> <port>`. This script points it at `wfkit-test-server` and checks what the SDK's
documentation promises:

- a workflow that sleeps 30 days returns at once: time skips while the client waits on it;
- `env.sleep()` moves the clock ahead by the duration;
- `env.get_current_time()` reads the server's clock;
- with `env.auto_time_skipping_disabled()`, waiting on a result does not skip: a timer takes
  its real duration;
- an update whose handler sleeps 7 days returns at once: time skips while the client waits on
  the update's outcome (Temporal's own Java test server hangs here, sdk-java#2283), although the
  SDK unlocks skipping only for workflow results; the workflow itself sees the 7 days pass.

It prints one JSON object with what it measured (the Rust test `cli/tests/test_server_python.rs`
asserts on it) and exits non-zero when a check fails.

Usage: .venv/bin/python scenarios/python/time_skipping_env.py PATH_TO_wfkit-test-server
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from datetime import timedelta

from temporalio import workflow
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

MONTH = timedelta(days=30)
WEEK = timedelta(days=7)
UPDATE_HANG_GUARD = timedelta(minutes=5)
SHORT_TIMER = timedelta(seconds=2)


@workflow.defn
class SleepsAMonth:
    @workflow.run
    async def run(self) -> str:
        await asyncio.sleep(MONTH.total_seconds())
        return "woke up"


@workflow.defn
class SlowUpdate:
    """Runs until its update, whose handler sleeps a week, has finished."""

    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self._done)
        return "update finished"

    @workflow.update
    async def wait_a_week(self) -> float:
        started = workflow.now()
        await asyncio.sleep(WEEK.total_seconds())
        self._done = True
        return (workflow.now() - started).total_seconds()


@workflow.defn
class ShortTimer:
    @workflow.run
    async def run(self) -> str:
        await asyncio.sleep(SHORT_TIMER.total_seconds())
        return "timer fired"


async def main(server: str) -> int:
    measured: dict[str, object] = {}
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=server,
        # A busy machine may take a while to start a process; readiness, not speed, is tested.
        test_server_startup_timeout=timedelta(minutes=2),
    )
    async with env:
        task_queue = f"time-skipping-{uuid.uuid4()}"
        async with Worker(
            env.client, task_queue=task_queue, workflows=[SleepsAMonth, SlowUpdate, ShortTimer]
        ):
            before = await env.get_current_time()
            wall = time.monotonic()
            result = await env.client.execute_workflow(
                SleepsAMonth.run, id=f"month-{uuid.uuid4()}", task_queue=task_queue
            )
            measured["month_result"] = result
            measured["month_wall_s"] = time.monotonic() - wall
            after = await env.get_current_time()
            measured["month_skipped_s"] = (after - before).total_seconds()

            await env.sleep(timedelta(days=2))
            slept = await env.get_current_time()
            measured["env_sleep_skipped_s"] = (slept - after).total_seconds()

            handle = await env.client.start_workflow(
                SlowUpdate.run, id=f"update-{uuid.uuid4()}", task_queue=task_queue
            )
            wall = time.monotonic()
            # Bounded only so that a server that does not skip fails here instead of hanging
            # for a week; a skipping server answers in milliseconds.
            measured["update_workflow_elapsed_s"] = await asyncio.wait_for(
                handle.execute_update(SlowUpdate.wait_a_week),
                timeout=UPDATE_HANG_GUARD.total_seconds(),
            )
            measured["update_wall_s"] = time.monotonic() - wall
            measured["update_result"] = await handle.result()

            with env.auto_time_skipping_disabled():
                wall = time.monotonic()
                result = await env.client.execute_workflow(
                    ShortTimer.run, id=f"timer-{uuid.uuid4()}", task_queue=task_queue
                )
                measured["no_skip_result"] = result
                measured["no_skip_wall_s"] = time.monotonic() - wall
    print(json.dumps(measured))
    checks = [
        measured["month_result"] == "woke up",
        measured["month_skipped_s"] >= MONTH.total_seconds(),
        measured["env_sleep_skipped_s"] >= timedelta(days=2).total_seconds(),
        measured["no_skip_result"] == "timer fired",
        measured["no_skip_wall_s"] >= SHORT_TIMER.total_seconds() * 0.9,
        measured["update_workflow_elapsed_s"] >= WEEK.total_seconds(),
        measured["update_result"] == "update finished",
    ]
    return 0 if all(checks) else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    code = asyncio.run(main(sys.argv[1]))
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown: the SDK's native runtime can abort (SIGABRT) while its
    # threads are torn down after everything here has finished and been printed.
    os._exit(code)
