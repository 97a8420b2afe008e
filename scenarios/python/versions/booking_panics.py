"""`py_versioned_booking` `panics`: a version whose code raises once `py_reserve` has completed,
before the timer. An exception that is not a Temporal failure fails the workflow task (it is
retried, not turned into a workflow failure), so replaying any v1 history fails there."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from versions.booking import (
        ACTIVITY_START_TO_CLOSE,
        RETRY_POLICY,
        WORKFLOW_TYPE,
        BookingInput,
        reserve,
    )

# The text the exception carries.
PANIC_MESSAGE = "the hold policy is missing (py_versioned_booking panics version)"


@workflow.defn(name=WORKFLOW_TYPE)
class BookingPanics:
    """Reserves, then raises."""

    @workflow.run
    async def run(self, booking: BookingInput) -> str:
        await workflow.execute_activity(
            reserve,
            booking.booking_id,
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RETRY_POLICY,
        )
        raise RuntimeError(f"booking {booking.booking_id}: {PANIC_MESSAGE}")
