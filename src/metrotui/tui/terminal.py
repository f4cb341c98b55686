"""The terminal driver the app runs with: Textual's, made safe for a terminal that goes away.

When a terminal window closes, the app gets SIGHUP and every write to the
terminal fails (EIO).  Textual writes from a thread that dies on the first
such error, after which its bounded queue fills and the next write blocks
the event loop for good: the app never gets to quit, save its view or exit.
Here writes to a terminal that has gone are dropped instead, so quitting
runs its usual course.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from textual.driver import Driver


class _HangupSafeFile:
    """The terminal's output file, except that once writing fails, writes are dropped."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._file.write(text)
            except OSError:
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except OSError:
                self.gone = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def hangup_safe(driver_class: type[Driver]) -> type[Driver]:
    """Textual's Unix terminal driver with hangup-safe output; any other driver as it is."""
    if sys.platform == "win32":
        return driver_class
    from textual.drivers.linux_driver import LinuxDriver

    if driver_class is not LinuxDriver:
        return driver_class  # the web driver of `metrotui serve`, say

    class HangupSafeDriver(LinuxDriver):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self._file is not None:  # None only without a stderr at all
                self._file = _HangupSafeFile(self._file)  # type: ignore[assignment]

    return HangupSafeDriver
