"""A worker for `wfkit replay --worker-cmd` and `wfkit fuzz --worker-cmd`: registers the Python
scenario workflows on the task queue wfkit names, at the address it names, and runs until it is
stopped.

With `--version v1|v2|v3|panics` it registers that version of the example workflow
`py_versioned_booking` (package `versions`) instead of the scenario workflows.

Environment (set by wfkit): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, and for
`wfkit fuzz` WFKIT_WORKER_IDENTITY (the identity to report, one per worker incarnation).

Usage:
    wfkit replay --histories fixtures/py_versioned_booking \
        --worker-cmd ".venv/bin/python scenarios/python/replay_worker.py --version v3"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from typing import Sequence

from temporalio.client import Client
from temporalio.worker import Worker

import versions
import wfkit_scenarios as scenarios


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="A worker for `wfkit replay --worker-cmd`: the Python scenario workflows, "
        "or one version of py_versioned_booking."
    )
    parser.add_argument(
        "--version",
        choices=list(versions.VERSIONS),
        help="register this version of py_versioned_booking instead of the scenario workflows",
    )
    return parser.parse_args(argv)


async def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.version is None:
        workflows, activities = scenarios.WORKFLOWS, scenarios.ACTIVITIES
    else:
        workflows, activities = versions.workflows(args.version), versions.ACTIVITIES
    address = os.environ.get("TEMPORAL_ADDRESS")
    task_queue = os.environ.get("TEMPORAL_TASK_QUEUE")
    if not address or not task_queue:
        print("replay_worker.py: TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE must be set", file=sys.stderr)
        return 2
    client = await Client.connect(
        address,
        namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
        identity=os.environ.get("WFKIT_WORKER_IDENTITY") or None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=workflows, activities=activities):
        await stop.wait()
    return 0


if __name__ == "__main__":
    code = asyncio.run(main(sys.argv[1:]))
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK's threads may still be alive at interpreter shutdown (sdk-python#300).
    os._exit(code)
