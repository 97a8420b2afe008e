"""`py_versioned_booking` v1, the recorded version: reserve, hold the reservation on a timer,
charge, complete (22 events when it completes)."""

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
        reserve,
    )


@workflow.defn(name=WORKFLOW_TYPE)
class BookingV1:
    """Reserves, holds, charges."""

    @workflow.run
    async def run(self, booking: BookingInput) -> str:
        reservation = await workflow.execute_activity(
            reserve,
            booking.booking_id,
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RETRY_POLICY,
        )
        await workflow.sleep(timedelta(milliseconds=booking.hold_ms))
        receipt = await workflow.execute_activity(
            charge,
            ChargeRequest(booking.booking_id, booking.amount_cents),
            start_to_close_timeout=ACTIVITY_START_TO_CLOSE,
            retry_policy=RETRY_POLICY,
        )
        return booked(reservation, receipt)
