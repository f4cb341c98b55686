"""Run the metrotui command in this process and report its peak memory at exit.

    python benchmarks/peak.py REPORT_FILE [metrotui arguments...]

REPORT_FILE gets ``{"peak_rss_mb": ...}``: the peak resident set (``VmHWM``) of
this process, which is the command's (see headless.py for why not ``wait4``'s).
"""

from __future__ import annotations

import atexit
import json
import sys
from pathlib import Path

REPORT = Path(sys.argv[1])


@atexit.register
def _report() -> None:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                REPORT.write_text(json.dumps({"peak_rss_mb": int(line.split()[1]) / 1024}))


def main() -> None:
    from metrotui.entry import main as metrotui_main

    sys.argv = ["metrotui", *sys.argv[2:]]
    metrotui_main()


if __name__ == "__main__":
    main()
