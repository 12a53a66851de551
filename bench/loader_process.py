"""``reformgraph load`` in a process of its own, for the red team and the concurrent-write
tests: both start a load beside a serving API and act once it has planned its write."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

#: The repository, where ``python -m server.cli`` is found.
REPO_ROOT = Path(__file__).resolve().parent.parent
#: What the load logs once it has validated its file and planned its import (it then writes).
PLANNED = "planned against write version"


class Loader:
    """``reformgraph load --no-context FILE`` with ``env``, its log read as it comes."""

    def __init__(self, env: dict[str, str], file: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "load", "--no-context", str(file)],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.planned = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:  # closed when the process has closed its end
            for line in self.process.stdout:
                self.lines.append(line)
                if PLANNED in line:
                    self.planned.set()

    async def wait_planned(self, timeout_s: float = 300) -> bool:
        """Whether it planned its write within ``timeout_s`` (False if it exited first)."""
        deadline = time.monotonic() + timeout_s
        while not self.planned.is_set():
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def finished(self, timeout_s: float = 300) -> int:
        """Its exit code, once it has exited and its whole log has been read."""
        code = await asyncio.to_thread(self.process.wait, timeout_s)
        self._reader.join(timeout=10)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """Kill it if it still runs, and reap it."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
