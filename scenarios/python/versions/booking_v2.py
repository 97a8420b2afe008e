"""`py_versioned_booking` v2, a breaking change: a `py_check_fraud` activity inserted before
`py_charge`, without a patch.

A v1 history that got past the timer recorded `py_charge` where v2 now schedules
`py_check_fraud` (same activity id): replaying it is nondeterministic at the `py_charge`
`ActivityTaskScheduled`. A v1 history still waiting on the timer replays fine: the change lies
after the point it reached.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from versions.booking import (
        ACTIVITY_START_TO_CLOSE,
        RETRY_POLICY,
        WORKFLOW_TYPE,
        BookingInput,
        ChargeRequest,
        booked,
        charge,
        check_fraud,
        reserve,
    )


@workflow.defn(name=WORKFLOW_TYPE)
class BookingV2:
    """Reserves, holds, checks for fraud, charges."""

    @workflow.run
    async def run(self, booking: BookingInput) -> str:
        reservation = await workflow.execute_activity(
            reserve,
            booking.booking_id,
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RETRY_POLICY,
        )
        await workflow.sleep(timedelta(milliseconds=booking.hold_ms))
        request = ChargeRequest(booking.booking_id, booking.amount_cents)
        await workflow.execute_activity(
            check_fraud,
            request,
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RETRY_POLICY,
        )
        receipt = await workflow.execute_activity(
            charge,
            request,
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RETRY_POLICY,
        )
        return booked(reservation, receipt)
