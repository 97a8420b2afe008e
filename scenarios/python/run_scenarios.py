#!/usr/bin/env python3
"""Runs wfkit's Python SDK scenarios against a Temporal server and records their histories.

Starts a worker in this process, runs every scenario of `wfkit_scenarios.SCENARIOS` with the
Python client, checks each outcome, and writes each history as canonical proto3 JSON to
`<out>/<scenario>.json`. Exits 0 when every scenario passed, 1 when any failed (each failure is
reported on stderr, the other scenarios still run), 2 on bad usage.

The driver is deterministic: before each signal or query it waits until the workflow has no
workflow task in progress (the last workflow-task event is WorkflowTaskCompleted), so the same
scenario yields the same events on any conforming server.

Usage:
    .venv/bin/python scenarios/python/run_scenarios.py \\
        --address 127.0.0.1:7233 --namespace default --task-queue py-conformance --out /tmp/h
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Sequence

from temporalio.api.enums.v1 import ContinueAsNewInitiator, EventType, RetryState
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.worker import Worker

import wfkit_scenarios as scenarios

# Bounds the workflow itself, so a driver that dies leaves nothing running for long.
EXECUTION_TIMEOUT = timedelta(seconds=60)
# Between two history polls while waiting for the workflow to become idle.
IDLE_POLL_INTERVAL_S = 0.02
# How long fetching a failed scenario's history (for the report) may take.
DIAGNOSTIC_FETCH_TIMEOUT_S = 5.0
# How long the worker may take to shut down before the runner gives up on it.
WORKER_SHUTDOWN_TIMEOUT_S = 30.0

# Failures the scenarios raise on purpose: the SDK logs them with a traceback, which would
# look like a problem in the runner's output.
EXPECTED_ACTIVITY_FAILURE_TYPES = frozenset({"PyFlaky", "PyRefused"})
# What a run of a chain may close with, by the name `scenarios.Run.close` uses.
RUN_CLOSE_EVENT_TYPES = {
    "COMPLETED": EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
    "FAILED": EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    "TIMED_OUT": EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
}

CLOSED_EVENT_TYPES = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    }
)
WORKFLOW_TASK_EVENT_TYPES = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    }
)


class ScenarioFailed(Exception):
    """A scenario did not do what it should; the message says what and where."""


@dataclass
class Progress:
    """What a scenario is doing, for the message when it fails or times out."""

    phase: str = "starting the workflow"
    event_types: list[str] = field(default_factory=list)

    def saw(self, events: Sequence[HistoryEvent]) -> None:
        self.event_types = [short_event_type(e.event_type) for e in events]


def short_event_type(value: int) -> str:
    name = EventType.Name(value) if value in EventType.values() else f"UNKNOWN({value})"
    return name.removeprefix("EVENT_TYPE_")


def is_idle(events: Sequence[HistoryEvent]) -> bool:
    """True when the workflow is closed or its last workflow-task event is a completion."""
    if events and events[-1].event_type in CLOSED_EVENT_TYPES:
        return True
    for event in reversed(events):
        if event.event_type in WORKFLOW_TASK_EVENT_TYPES:
            return event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    return False


async def wait_until_idle(handle: WorkflowHandle[Any, Any], progress: Progress) -> None:
    while True:
        history = await handle.fetch_history()
        progress.saw(history.events)
        if is_idle(history.events):
            return
        await asyncio.sleep(IDLE_POLL_INTERVAL_S)


async def run_scenario(
    client: Client,
    task_queue: str,
    workflow_id: str,
    scenario: scenarios.Scenario,
    progress: Progress,
) -> list[tuple[str, str]]:
    """Runs one scenario, checks its outcome and returns its histories as JSON, each with the
    name of its file: `<scenario>.json` for the first run, `<scenario>.run<N>.json` for the
    runs the server started after it."""
    handle: WorkflowHandle[Any, Any] = await client.start_workflow(
        scenario.workflow,
        scenario.arg,
        id=workflow_id,
        task_queue=task_queue,
        execution_timeout=EXECUTION_TIMEOUT,
        run_timeout=scenario.run_timeout,
        retry_policy=scenario.retry_policy,
        cron_schedule=scenario.cron_schedule,
    )
    for index, step in enumerate(scenario.steps):
        progress.phase = f"waiting for no workflow task in progress, before {step}"
        await wait_until_idle(handle, progress)
        if isinstance(step, scenarios.Signal):
            progress.phase = f"sending {step}"
            await handle.signal(step.name, step.arg)
        elif isinstance(step, scenarios.Update):
            progress.phase = f"waiting for the outcome of {step}"
            await run_update(handle, step, f"{scenario.name}-step-{index}")
        else:
            progress.phase = f"waiting for the answer to {step}"
            answer = await handle.query(step.name)
            if answer != step.answer:
                raise ScenarioFailed(f"{step}: answered {answer!r}, expected {step.answer!r}")

    # A cron workflow has no final result: its runs are checked one by one below.
    if not scenario.cron_schedule:
        progress.phase = "waiting for the workflow's result"
        await check_result(handle, scenario.expected)

    if scenario.runs:
        assert handle.first_execution_run_id is not None
        return await run_chain(client, workflow_id, handle.first_execution_run_id, scenario, progress)
    progress.phase = "fetching the complete history"
    history = await handle.fetch_history()
    progress.saw(history.events)
    if not history.events or history.events[-1].event_type not in CLOSED_EVENT_TYPES:
        raise ScenarioFailed("history does not end with a close event")
    return [(f"{scenario.name}.json", history.to_json())]


async def check_result(handle: WorkflowHandle[Any, Any], expected: Any) -> None:
    """The workflow's result (following the runs the server started) is `expected`."""
    try:
        result = await handle.result()
    except WorkflowFailureError as err:
        if not isinstance(expected, scenarios.Failure):
            raise ScenarioFailed(f"workflow failed unexpectedly: {describe_failure(err)}") from err
        check_failure(err, expected)
    else:
        if isinstance(expected, scenarios.Failure):
            raise ScenarioFailed(f"workflow completed with {result!r}, expected {expected}")
        if result != expected:
            raise ScenarioFailed(f"result {result!r}, expected {expected!r}")


async def run_chain(
    client: Client,
    workflow_id: str,
    first_run_id: str,
    scenario: scenarios.Scenario,
    progress: Progress,
) -> list[tuple[str, str]]:
    """Follows the runs the server starts, from the first, checking each as `scenario.runs`
    says; terminates a cron workflow after the last run listed."""
    histories: list[tuple[str, str]] = []
    run_id = first_run_id
    for index, expected in enumerate(scenario.runs):
        number = index + 1
        run = client.get_workflow_handle(workflow_id, run_id=run_id)
        progress.phase = f"waiting for run {number} to close"
        history = await run.fetch_history()
        while not history.events or history.events[-1].event_type not in CLOSED_EVENT_TYPES:
            await asyncio.sleep(IDLE_POLL_INTERVAL_S)
            history = await run.fetch_history()
        progress.saw(history.events)
        next_run_id = check_run(history.events, expected, number)
        if expected.close == "COMPLETED":
            # From the close event: the SDK's result() calls a followed run "continued as new".
            payloads = history.events[-1].workflow_execution_completed_event_attributes.result
            decoded = await client.data_converter.decode(payloads.payloads)
            result = decoded[0] if decoded else None
            if result != expected.result:
                raise ScenarioFailed(f"run {number}: result {result!r}, expected {expected.result!r}")
        name = f"{scenario.name}.json" if number == 1 else f"{scenario.name}.run{number}.json"
        histories.append((name, history.to_json()))
        run_id = next_run_id
    if scenario.cron_schedule:
        progress.phase = "terminating the cron workflow"
        await client.get_workflow_handle(workflow_id).terminate("the scenario saw its runs")
    return histories


def check_run(events: Sequence[HistoryEvent], expected: scenarios.Run, number: int) -> str:
    """Checks one run's start and close against `expected`; returns the next run's id ("" for
    none)."""
    started = events[0].workflow_execution_started_event_attributes
    close = events[-1]
    problems = []
    if started.attempt != expected.attempt:
        problems.append(f"attempt {started.attempt}, expected {expected.attempt}")
    initiator = ContinueAsNewInitiator.Name(started.initiator).removeprefix(
        "CONTINUE_AS_NEW_INITIATOR_"
    )
    if initiator != (expected.initiator or "UNSPECIFIED"):
        problems.append(f"initiator {initiator}, expected {expected.initiator or 'UNSPECIFIED'}")
    backoff_s = started.first_workflow_task_backoff.ToTimedelta().total_seconds()
    low, high = expected.backoff_s
    if not low <= backoff_s <= high:
        problems.append(f"first workflow task backoff {backoff_s} s, expected {low} to {high} s")
    if close.event_type != RUN_CLOSE_EVENT_TYPES[expected.close]:
        problems.append(f"closed with {short_event_type(close.event_type)}, expected {expected.close}")
    if close.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        attributes = close.workflow_execution_failed_event_attributes
    elif close.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        attributes = close.workflow_execution_timed_out_event_attributes
    else:
        attributes = close.workflow_execution_completed_event_attributes
    if expected.retry_state:
        retry_state = RetryState.Name(attributes.retry_state).removeprefix("RETRY_STATE_")
        if retry_state != expected.retry_state:
            problems.append(f"retry state {retry_state}, expected {expected.retry_state}")
    next_run_id = attributes.new_execution_run_id
    if bool(next_run_id) != expected.followed:
        problems.append(
            f"close event names next run {next_run_id!r}, expected "
            f"{'one' if expected.followed else 'none'}"
        )
    if problems:
        raise ScenarioFailed(f"run {number}: " + "; ".join(problems))
    return next_run_id


async def run_update(
    handle: WorkflowHandle[Any, Any], step: scenarios.Update, update_id: str
) -> None:
    """Executes an update and checks its outcome: a value, or the failure it was refused or
    failed with. The update id is given (not random) so that histories compare equal."""
    args = [] if step.arg is None else [step.arg]
    try:
        answer = await handle.execute_update(step.name, args=args, id=update_id)
    except WorkflowUpdateFailedError as err:
        if not isinstance(step.answer, scenarios.Failure):
            raise ScenarioFailed(f"{step}: failed unexpectedly: {describe_failure(err)}") from err
        check_failure(err, step.answer)
        return
    if isinstance(step.answer, scenarios.Failure):
        raise ScenarioFailed(f"{step}: answered {answer!r}, expected the failure {step.answer}")
    if answer != step.answer:
        raise ScenarioFailed(f"{step}: answered {answer!r}, expected {step.answer!r}")


def describe_failure(err: WorkflowFailureError | WorkflowUpdateFailedError) -> str:
    cause = err.cause
    if isinstance(cause, ApplicationError):
        return (
            f"ApplicationError(type={cause.type!r}, message={cause.message!r}, "
            f"non_retryable={cause.non_retryable})"
        )
    return f"{type(cause).__name__}: {cause}"


def check_failure(
    err: WorkflowFailureError | WorkflowUpdateFailedError, expected: scenarios.Failure
) -> None:
    cause = err.cause
    if not (
        isinstance(cause, ApplicationError)
        and cause.type == expected.type
        and cause.message == expected.message
        and cause.non_retryable == expected.non_retryable
    ):
        raise ScenarioFailed(f"workflow failed with {describe_failure(err)}, expected {expected}")


def describe_error(err: BaseException) -> str:
    if isinstance(err, RPCError):
        return f"RPC error {err.status.name}: {err.message}"
    return f"{type(err).__name__}: {err}"


class ExpectedFailureFilter(logging.Filter):
    """Drops the SDK's log records for activity failures that the scenarios cause on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            isinstance(error, ApplicationError)
            and error.type in EXPECTED_ACTIVITY_FAILURE_TYPES
        )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run wfkit's Python SDK scenarios against a Temporal server and write "
        "each history to OUT/<scenario>.json."
    )
    parser.add_argument("--address", required=True, help="the server's gRPC HOST:PORT")
    parser.add_argument("--namespace", default="default", help="namespace (default: default)")
    parser.add_argument("--task-queue", required=True, help="task queue for the worker")
    parser.add_argument("--out", required=True, type=Path, help="directory for the histories")
    parser.add_argument(
        "--timeout-s",
        type=float,
        default=20.0,
        help="limit on each scenario, from start to history (default: 20)",
    )
    parser.add_argument(
        "--workflow-id-prefix",
        default="py-conformance",
        help="workflow ids are PREFIX-<scenario> (default: py-conformance)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="SCENARIO",
        help="run only this scenario (repeatable)",
    )
    args = parser.parse_args(argv)
    if args.timeout_s <= 0:
        parser.error("--timeout-s must be positive")
    known = [s.name for s in scenarios.SCENARIOS]
    for name in args.only or []:
        if name not in known:
            parser.error(f"unknown scenario {name!r}; known: {', '.join(known)}")
    return args


async def attempt(
    client: Client,
    args: argparse.Namespace,
    scenario: scenarios.Scenario,
    worker_run: asyncio.Task[None],
) -> str | None:
    """Runs one scenario and writes its history; returns what went wrong, or None."""
    workflow_id = f"{args.workflow_id_prefix}-{scenario.name}"
    progress = Progress()
    started = time.monotonic()
    task = asyncio.create_task(
        run_scenario(client, args.task_queue, workflow_id, scenario, progress)
    )
    # A worker that stops (say, on an RPC error) ends the wait at once, not at the limit.
    await asyncio.wait({task, worker_run}, timeout=args.timeout_s, return_when=asyncio.FIRST_COMPLETED)
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if worker_run.done():
            what = f"the worker stopped while {progress.phase}"
        else:
            what = f"timed out after {args.timeout_s:g} s while {progress.phase}"
    elif (error := task.exception()) is not None:
        what = f"{describe_error(error)} (while {progress.phase})"
    else:
        paths = []
        for name, history in task.result():
            path = args.out / name
            path.write_text(history + "\n", encoding="utf-8")
            paths.append(str(path))
        elapsed_ms = (time.monotonic() - started) * 1000
        print(
            f"ok   {scenario.name}: {len(progress.event_types)} events in {elapsed_ms:.0f} ms"
            f" -> {', '.join(paths)}",
            flush=True,
        )
        return None
    print(f"FAIL {scenario.name}: {what}", flush=True)
    # The history as it is now says more than the last one the driver happened to fetch.
    try:
        history = await asyncio.wait_for(
            client.get_workflow_handle(workflow_id).fetch_history(),
            timeout=DIAGNOSTIC_FETCH_TIMEOUT_S,
        )
        progress.saw(history.events)
    except Exception:  # noqa: BLE001 - best effort: keep what was seen before
        pass
    return (
        f"{scenario.name} (workflow id {workflow_id}): {what}\n"
        f"    history so far: {', '.join(progress.event_types) or '(none fetched)'}"
    )


async def run(args: argparse.Namespace) -> int:
    selected = [s for s in scenarios.SCENARIOS if not args.only or s.name in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        client = await Client.connect(args.address, namespace=args.namespace)
    except Exception as err:  # noqa: BLE001 - reported, then exit 1
        print(
            f"run_scenarios: cannot connect to {args.address}: {describe_error(err)}",
            file=sys.stderr,
        )
        return 1

    failures: list[str] = []
    worker = Worker(
        client,
        task_queue=args.task_queue,
        workflows=scenarios.WORKFLOWS,
        activities=scenarios.ACTIVITIES,
    )
    worker_run = asyncio.create_task(worker.run())
    try:
        for scenario in selected:
            failure = await attempt(client, args, scenario, worker_run)
            if failure is not None:
                failures.append(failure)
            if worker_run.done():
                break
    finally:
        if worker_run.done():
            # The worker stopped on its own: the likely cause of everything else, so first.
            error = None if worker_run.cancelled() else worker_run.exception()
            reason = describe_error(error) if error else "without an error"
            failures.insert(0, f"the worker stopped early: {reason}")
        else:
            try:
                await asyncio.wait_for(worker.shutdown(), timeout=WORKER_SHUTDOWN_TIMEOUT_S)
                await worker_run
            except Exception as err:  # noqa: BLE001 - reported, then exit 1
                failures.append(f"worker shutdown: {describe_error(err)}")

    if failures:
        print(
            f"run_scenarios: {len(failures)} problem(s) against {args.address} "
            f"(namespace {args.namespace}, task queue {args.task_queue}):",
            file=sys.stderr,
        )
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print(f"run_scenarios: {len(selected)} scenario(s) passed against {args.address}", flush=True)
    return 0


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("temporalio.activity").addFilter(ExpectedFailureFilter())
    return asyncio.run(run(args))


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # The SDK's Rust threads outlive the event loop, and now and then one of them touches the
    # GIL while the interpreter finalises: "Fatal Python error: PyGILState_Release: thread
    # state ... must be current when releasing", SIGABRT, after all the work was done
    # (temporalio/sdk-python#300; seen here on the real server and on the engine alike, about
    # one run in ten). Everything is written and closed by now, so skip finalisation.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
