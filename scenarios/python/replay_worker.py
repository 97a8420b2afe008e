"""A worker for `wfkit replay --worker-cmd`: registers the Python scenario workflows on the task
queue wfkit names, at the address it names, and runs until it is stopped.

Environment (set by wfkit replay): TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from temporalio.client import Client
from temporalio.worker import Worker

import wfkit_scenarios as scenarios


async def main() -> int:
    address = os.environ.get("TEMPORAL_ADDRESS")
    task_queue = os.environ.get("TEMPORAL_TASK_QUEUE")
    if not address or not task_queue:
        print("replay_worker.py: TEMPORAL_ADDRESS and TEMPORAL_TASK_QUEUE must be set", file=sys.stderr)
        return 2
    client = await Client.connect(address, namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=scenarios.WORKFLOWS, activities=scenarios.ACTIVITIES):
        await stop.wait()
    return 0


if __name__ == "__main__":
    code = asyncio.run(main())
    sys.stdout.flush()
    sys.stderr.flush()
    # The SDK's threads may still be alive at interpreter shutdown (sdk-python#300).
    os._exit(code)
