"""Versions of one example workflow, `py_versioned_booking`, for replay tests (issue #4): the
code a team deploys over time, every version under the same workflow type name. Histories are
recorded with v1 (`fixtures/py_versioned_booking/v1/`, by `record_versions.py`) and replayed
against each version (`replay_worker.py --version vN`).

| version | code                                                        | replaying the v1 histories |
|---------|-------------------------------------------------------------|----------------------------|
| v1      | `py_reserve`, a timer (the hold), `py_charge`               | ok                         |
| v2      | `py_check_fraud` inserted before `py_charge`, no patch      | nondeterministic at the `py_charge` ActivityTaskScheduled once past the timer; ok while waiting on it |
| v3      | the same change behind `workflow.patched("add-fraud-check")` | ok                        |
| panics  | raises after `py_reserve`, before the timer                 | failed                     |

Each version needs a worker of its own, since they share a type name: `workflows(version)`.
"""

from __future__ import annotations

from versions.booking import ACTIVITIES
from versions.booking_panics import BookingPanics
from versions.booking_v1 import BookingV1
from versions.booking_v2 import BookingV2
from versions.booking_v3 import BookingV3

# Version name -> the workflow class of that version, oldest first.
VERSIONS: dict[str, type] = {
    "v1": BookingV1,
    "v2": BookingV2,
    "v3": BookingV3,
    "panics": BookingPanics,
}

__all__ = ["ACTIVITIES", "VERSIONS", "workflows"]


def workflows(version: str) -> list[type]:
    """The workflows a worker for `version` registers; KeyError names the known versions."""
    try:
        return [VERSIONS[version]]
    except KeyError:
        raise KeyError(f"unknown version {version!r}; known: {', '.join(VERSIONS)}") from None
