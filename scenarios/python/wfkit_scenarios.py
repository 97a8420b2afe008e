"""Scenario workflows and activities written with the official Temporal Python SDK.

`run_scenarios.py` runs every entry of `SCENARIOS` against a server and records its history;
`engine/tests/python_conformance.rs` runs them on the real dev server and on the wfkit engine
and compares the normalised histories.

Every workflow is deterministic, and so is what the driver does (see `run_scenarios.py`): the
same code on two servers must yield the same events, inputs, results and failures. Names are
explicit (`name=`) so that renaming a Python class does not change the recorded histories.

This module is imported by the workflow sandbox as well, so it imports nothing but `temporalio`
and the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

# Generous, so that a slow CI machine never turns a scenario into a timeout scenario.
ACTIVITY_START_TO_CLOSE = timedelta(seconds=10)

# py_timer_retry: short, so the whole suite stays fast on real time.
TIMER_DURATION = timedelta(milliseconds=300)
RETRY_INITIAL_INTERVAL = timedelta(milliseconds=100)
RETRY_MAXIMUM_ATTEMPTS = 3

SIGNAL_NAME = "py_add"
QUERY_NAME = "py_received"

# py_updates: an update with a validator, one whose handler waits on a timer, one whose handler
# fails (the update fails, the workflow does not), and one that lets the workflow finish.
UPDATE_ADD = "py_update_add"
UPDATE_ADD_LATER = "py_update_add_later"
UPDATE_FAIL = "py_update_fail"
UPDATE_FINISH = "py_update_finish"
UPDATE_HANDLER_TIMER = timedelta(milliseconds=300)

# py_workflow_retry, py_run_timeout_retry, py_cron: runs that the server itself starts again.
# Whole seconds, as the server's retry and cron backoffs are.
WORKFLOW_RETRY_POLICY = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_attempts=5
)
RUN_TIMEOUT = timedelta(seconds=2)
# Longer than RUN_TIMEOUT: the first attempt of py_run_timeout_retry times out while it sleeps.
OVERSLEEP = timedelta(seconds=30)
CRON_EVERY_2S = "@every 2s"


# ---------------------------------------------------------------------------------------------
# Activities


@activity.defn(name="py_greet")
async def greet(name: str) -> str:
    """Returns a greeting: the one activity of `py_hello`."""
    return f"hello, {name}"


@activity.defn(name="py_flaky")
async def flaky(label: str) -> str:
    """Fails on attempt 1 and succeeds on attempt 2, so the server has to retry it once."""
    attempt = activity.info().attempt
    if attempt == 1:
        raise ApplicationError(f"{label}: attempt 1 fails on purpose", type="PyFlaky")
    return f"{label}: ok on attempt {attempt}"


@activity.defn(name="py_refuse")
async def refuse(reason: str) -> str:
    """Fails for good: a non-retryable error, which no retry policy may retry."""
    raise ApplicationError(reason, type="PyRefused", non_retryable=True)


ACTIVITIES = [greet, flaky, refuse]


# ---------------------------------------------------------------------------------------------
# Workflows


@workflow.defn(name="py_hello")
class PyHello:
    """Runs one activity and returns its result."""

    @workflow.run
    async def run(self, name: str) -> str:
        return await workflow.execute_activity(
            greet, name, start_to_close_timeout=ACTIVITY_START_TO_CLOSE
        )


@workflow.defn(name="py_signals_query")
class PySignalsQuery:
    """Collects `expected` signals, answers a query with what it has so far, returns them."""

    def __init__(self) -> None:
        self._received: list[str] = []

    @workflow.run
    async def run(self, expected: int) -> list[str]:
        await workflow.wait_condition(lambda: len(self._received) >= expected)
        return list(self._received)

    @workflow.signal(name=SIGNAL_NAME)
    def add(self, value: str) -> None:
        self._received.append(value)

    @workflow.query(name=QUERY_NAME)
    def received(self) -> list[str]:
        return list(self._received)


@workflow.defn(name="py_timer_retry")
class PyTimerRetry:
    """Sleeps on a timer, then runs an activity that succeeds on its second attempt."""

    @workflow.run
    async def run(self, label: str) -> str:
        await workflow.sleep(TIMER_DURATION)
        return await workflow.execute_activity(
            flaky,
            label,
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RetryPolicy(
                initial_interval=RETRY_INITIAL_INTERVAL,
                backoff_coefficient=2.0,
                maximum_attempts=RETRY_MAXIMUM_ATTEMPTS,
            ),
        )


@workflow.defn(name="py_failing")
class PyFailing:
    """Runs an activity that fails for good, then fails itself with a non-retryable error."""

    @workflow.run
    async def run(self, reason: str) -> str:
        try:
            return await workflow.execute_activity(
                refuse,
                reason,
                start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
                # Would retry a retryable error; must not retry a non-retryable one.
                retry_policy=RetryPolicy(
                    initial_interval=RETRY_INITIAL_INTERVAL,
                    maximum_attempts=RETRY_MAXIMUM_ATTEMPTS,
                ),
            )
        except ActivityError as err:
            raise ApplicationError(
                f"py_failing: {reason}", type="PyFailing", non_retryable=True
            ) from err


@workflow.defn(name="py_updates")
class PyUpdates:
    """Collects items sent by updates until the finish update; returns them."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._finished = False

    @workflow.run
    async def run(self, label: str) -> list[str]:
        await workflow.wait_condition(lambda: self._finished)
        # Lets the finish update's handler return before the run completes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return [f"{label}: {item}" for item in self._items]

    @workflow.update(name=UPDATE_ADD)
    async def add(self, item: str) -> int:
        self._items.append(item)
        return len(self._items)

    @add.validator
    def validate_add(self, item: str) -> None:
        if not item:
            raise ApplicationError("an item must not be empty", type="PyEmptyItem")

    @workflow.update(name=UPDATE_ADD_LATER)
    async def add_later(self, item: str) -> int:
        await workflow.sleep(UPDATE_HANDLER_TIMER)
        self._items.append(item)
        return len(self._items)

    @workflow.update(name=UPDATE_FAIL)
    async def fail(self, reason: str) -> int:
        raise ApplicationError(reason, type="PyUpdateFailed", non_retryable=True)

    @workflow.update(name=UPDATE_FINISH)
    async def finish(self) -> str:
        self._finished = True
        return f"finishing with {len(self._items)} items"


@workflow.defn(name="py_workflow_retry")
class PyWorkflowRetry:
    """Fails its first two attempts; the workflow's retry policy runs it again each time."""

    @workflow.run
    async def run(self, label: str) -> str:
        attempt = workflow.info().attempt
        if attempt < 3:
            raise ApplicationError(f"{label}: attempt {attempt} fails on purpose", type="PyRetryMe")
        return f"{label}: ok on attempt {attempt}"


@workflow.defn(name="py_run_timeout_retry")
class PyRunTimeoutRetry:
    """Oversleeps its run timeout on the first attempt; the retry returns at once."""

    @workflow.run
    async def run(self, label: str) -> str:
        attempt = workflow.info().attempt
        if attempt == 1:
            await workflow.sleep(OVERSLEEP)
        return f"{label}: ok on attempt {attempt}"


@workflow.defn(name="py_cron")
class PyCron:
    """Counts its cron runs: one more than the last completion result the server hands it."""

    @workflow.run
    async def run(self, label: str) -> str:
        previous = workflow.get_last_completion_result(str)
        count = 1 if previous is None else int(previous.rsplit(" ", 1)[-1]) + 1
        return f"{label} run {count}"


@workflow.defn(name="py_scheduled")
class PyScheduled:
    """What `run_schedules.py`'s schedule starts: returns at once."""

    @workflow.run
    async def run(self, label: str) -> str:
        return f"{label}: done"


WORKFLOWS = [
    PyScheduled,
    PyHello,
    PySignalsQuery,
    PyTimerRetry,
    PyFailing,
    PyUpdates,
    PyWorkflowRetry,
    PyRunTimeoutRetry,
    PyCron,
]


# ---------------------------------------------------------------------------------------------
# Scenarios: what the driver starts, sends, and expects.


@dataclass(frozen=True)
class Signal:
    """Send signal `name` with `arg`, once the workflow has no workflow task in progress."""

    name: str
    arg: Any


@dataclass(frozen=True)
class Query:
    """Query `name`, once the workflow has no workflow task in progress, and expect `answer`."""

    name: str
    answer: Any


@dataclass(frozen=True)
class Update:
    """Execute update `name` with `arg` (None: no argument), once the workflow has no workflow
    task in progress, and expect `answer`: a value, or a `Failure` (the update was rejected by
    its validator or its handler failed; both reach the client as the update's failure)."""

    name: str
    arg: Any
    answer: Any


@dataclass(frozen=True)
class Failure:
    """The workflow fails with an `ApplicationError` of this type, message and retryability."""

    type: str
    message: str
    non_retryable: bool


@dataclass(frozen=True)
class Run:
    """One run of a workflow that the server starts again (a retry or a cron schedule), as the
    driver checks it. The normalised histories leave out attempts' backoffs and run ids, so the
    driver checks them here, on both servers."""

    attempt: int
    # How the run started: "" (by the client), "RETRY" or "CRON_SCHEDULE".
    initiator: str
    # How it closed: "COMPLETED", "FAILED" or "TIMED_OUT".
    close: str
    # Bounds of its first workflow task backoff, in seconds.
    backoff_s: tuple[float, float] = (0.0, 0.0)
    # A failed or timed-out run's retry state, such as "IN_PROGRESS".
    retry_state: str = ""
    # Whether another run follows this one (the close event names it).
    followed: bool = False
    # A completed run's result.
    result: Any = None


@dataclass(frozen=True)
class Scenario:
    """One workflow: its input and start options, the driver's steps in order, and the expected
    outcome (a result value, or a `Failure`). With `runs`, the server starts the workflow again
    (a retry policy or a cron schedule): each run is checked and its history recorded, and a
    cron workflow is terminated after the last run listed."""

    name: str
    workflow: str
    arg: Any
    expected: Any
    steps: list[Signal | Query | Update] = field(default_factory=list)
    retry_policy: RetryPolicy | None = None
    cron_schedule: str = ""
    run_timeout: timedelta | None = None
    runs: list[Run] = field(default_factory=list)


SCENARIOS: list[Scenario] = [
    Scenario(name="py_hello", workflow="py_hello", arg="wfkit", expected="hello, wfkit"),
    Scenario(
        name="py_signals_query",
        workflow="py_signals_query",
        arg=2,
        steps=[
            Query(QUERY_NAME, []),
            Signal(SIGNAL_NAME, "first"),
            Query(QUERY_NAME, ["first"]),
            Signal(SIGNAL_NAME, "second"),
        ],
        expected=["first", "second"],
    ),
    Scenario(
        name="py_timer_retry",
        workflow="py_timer_retry",
        arg="flaky",
        expected="flaky: ok on attempt 2",
    ),
    Scenario(
        name="py_failing",
        workflow="py_failing",
        arg="refused on purpose",
        expected=Failure(
            type="PyFailing", message="py_failing: refused on purpose", non_retryable=True
        ),
    ),
    Scenario(
        name="py_updates",
        workflow="py_updates",
        arg="got",
        steps=[
            Update(UPDATE_ADD, "first", 1),
            # Rejected by the validator: no event reaches the history.
            Update(
                UPDATE_ADD,
                "",
                Failure(type="PyEmptyItem", message="an item must not be empty", non_retryable=False),
            ),
            Update(UPDATE_ADD_LATER, "second", 2),
            Update(
                UPDATE_FAIL,
                "failed on purpose",
                Failure(type="PyUpdateFailed", message="failed on purpose", non_retryable=True),
            ),
            Update(UPDATE_FINISH, None, "finishing with 2 items"),
        ],
        expected=["got: first", "got: second"],
    ),
    Scenario(
        name="py_workflow_retry",
        workflow="py_workflow_retry",
        arg="retried",
        expected="retried: ok on attempt 3",
        retry_policy=WORKFLOW_RETRY_POLICY,
        runs=[
            Run(1, "", "FAILED", retry_state="IN_PROGRESS", followed=True),
            # initial interval x coefficient^(attempt - 1): 1 s, then 2 s.
            Run(2, "RETRY", "FAILED", (1, 1), retry_state="IN_PROGRESS", followed=True),
            Run(3, "RETRY", "COMPLETED", (2, 2), result="retried: ok on attempt 3"),
        ],
    ),
    Scenario(
        name="py_run_timeout_retry",
        workflow="py_run_timeout_retry",
        arg="overslept",
        expected="overslept: ok on attempt 2",
        retry_policy=WORKFLOW_RETRY_POLICY,
        run_timeout=RUN_TIMEOUT,
        runs=[
            Run(1, "", "TIMED_OUT", retry_state="IN_PROGRESS", followed=True),
            Run(2, "RETRY", "COMPLETED", (1, 1), result="overslept: ok on attempt 2"),
        ],
    ),
    Scenario(
        name="py_cron",
        workflow="py_cron",
        arg="cron",
        expected="cron run 3",
        cron_schedule=CRON_EVERY_2S,
        runs=[
            # The first run waits for the schedule too: 2 s from a start between seconds.
            Run(1, "CRON_SCHEDULE", "COMPLETED", (2, 2), followed=True, result="cron run 1"),
            # Then to the next tick of the first run's schedule: 1 or 2 s, by when it ended.
            # Every cron run is a first attempt.
            Run(1, "CRON_SCHEDULE", "COMPLETED", (1, 2), followed=True, result="cron run 2"),
            Run(1, "CRON_SCHEDULE", "COMPLETED", (1, 2), followed=True, result="cron run 3"),
        ],
    ),
]
