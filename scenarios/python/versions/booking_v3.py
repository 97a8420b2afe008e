"""`py_versioned_booking` v3, v2's change done right: `py_check_fraud` runs only behind
`workflow.patched("add-fraud-check")`.

Replaying a v1 history, `patched` answers False (the history has no patch marker there), so the
code schedules `py_charge` as v1 did; new runs take the patched branch and record the marker.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from versions.booking import (
        ACTIVITY_START_TO_CLOSE,
        PATCH_ID,
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
class BookingV3:
    """Reserves, holds, checks for fraud on new runs only, charges."""

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
        if workflow.patched(PATCH_ID):
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
