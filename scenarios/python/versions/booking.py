"""What every version of `py_versioned_booking` shares: its type name, its input, the patch id
of v3, and its activities (`py_reserve`, `py_check_fraud`, `py_charge`).

Imported by the workflow sandbox as well, so it imports nothing but `temporalio` and the
standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity
from temporalio.common import RetryPolicy

# The one workflow type name every version registers: histories recorded with v1 are replayed
# against the later versions under the same name, as after a deployment.
WORKFLOW_TYPE = "py_versioned_booking"

# The patch id v3 guards the fraud check with.
PATCH_ID = "add-fraud-check"

# Generous, so that a slow CI machine never turns the example into a timeout example.
ACTIVITY_START_TO_CLOSE = timedelta(seconds=10)
RETRY_POLICY = RetryPolicy(initial_interval=timedelta(milliseconds=100), maximum_attempts=5)


@dataclass(frozen=True)
class BookingInput:
    """Input of `py_versioned_booking`."""

    booking_id: str
    amount_cents: int
    # How long the reservation is held (a workflow timer) before the card is charged.
    hold_ms: int


@dataclass(frozen=True)
class ChargeRequest:
    """Input of `py_check_fraud` and `py_charge`."""

    booking_id: str
    amount_cents: int


@activity.defn(name="py_reserve")
async def reserve(booking_id: str) -> str:
    """Reserves the booking."""
    return f"reservation-{booking_id}"


@activity.defn(name="py_check_fraud")
async def check_fraud(request: ChargeRequest) -> str:
    """Clears the payment; never refuses (the example is about the extra step)."""
    return f"cleared {request.booking_id}"


@activity.defn(name="py_charge")
async def charge(request: ChargeRequest) -> str:
    """Charges the card."""
    return f"charged {request.amount_cents} cents for {request.booking_id}"


ACTIVITIES = [reserve, check_fraud, charge]


def booked(reservation: str, receipt: str) -> str:
    """The result of a booking that went through."""
    return f"{reservation}, {receipt}"
