"""Waiting for something to happen, with a timeout, instead of sleeping and hoping."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

INTERVAL = 0.05


def wait_until(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    """Poll until condition() is true; fail naming what did not happen."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(INTERVAL)


async def pause_until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 5.0
) -> None:
    """As wait_until, inside a running app: the app goes on handling messages meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await pilot.pause(INTERVAL)
