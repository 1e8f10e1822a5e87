"""The on-device agent on an emulated board: `--port qemu:cortex-m4`.

Builds firmware/apps/agent for the board of the requested core (cached, see qemu.py), starts
QEMU with the agent's UART on a free loopback TCP port, and stops QEMU afterwards. The
emulated flash lives in a host file (firmware/common/flash_qemu.c): `flash_image` keeps it
between runs; without one a temporary file is used and removed.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .qemu import FirmwareBuild, TargetError, build_firmware

CORES = {"cortex-m3": "mps2_an385", "cortex-m4": "mps2_an386", "cortex-m7": "mps2_an500",
         "cortex-m33": "mps2_an505", "cortex-m55": "mps3_an547"}
PREFIX = "qemu:"
FLASH_BYTES = 2 * 1024 * 1024  # FLASH_QEMU_SIZE in firmware/common/flash_qemu.c


def board_for(spec: str) -> str:
    """"qemu:cortex-m4" (or a board folder name, "qemu:mps2_an386") -> board folder."""
    name = spec[len(PREFIX):] if spec.startswith(PREFIX) else spec
    if name in CORES:
        return CORES[name]
    if name in CORES.values():
        return name
    raise TargetError(f"unknown emulated target '{spec}': use qemu:" +
                      ", qemu:".join(CORES))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class QemuAgent:
    """One QEMU process running the agent; its UART is `url` (socket://127.0.0.1:PORT)."""

    def __init__(self, board: str, flash_image: Path, *, port: int | None = None,
                 max_s: float = 900.0, fw: FirmwareBuild | None = None) -> None:
        self.board = board
        self.flash_image = Path(flash_image).resolve()
        self.port = port or free_port()
        self.max_s = max_s
        self.fw = fw or build_firmware(board, "agent")
        self.proc: subprocess.Popen[bytes] | None = None
        self._timer: threading.Timer | None = None
        self.log = tempfile.TemporaryFile()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        machine = self.fw.info.get("qemu_machine")
        if not machine:
            raise TargetError(f"board {self.board} has no QEMU machine")
        if " " in str(self.flash_image) or "," in str(self.flash_image):
            raise TargetError(f"flash image path must not contain spaces or commas: "
                              f"{self.flash_image}")
        return ["qemu-system-arm", "-M", machine, "-display", "none", "-monitor", "none",
                "-serial", f"tcp:127.0.0.1:{self.port},server=on,wait=on,nodelay=on",
                "-semihosting-config", "enable=on,target=native", "-no-reboot",
                *self.fw.info.get("qemu_extra", []),
                "-kernel", str(self.fw.elf), "-append", f"flash={self.flash_image}"]

    def start(self, wait_s: float = 10.0) -> None:
        """Start QEMU and wait until its serial port accepts connections (the first
        connection is made by the client; QEMU holds the guest until then)."""
        if not self.flash_image.exists():  # a new board: fully erased flash
            self.flash_image.write_bytes(b"\xff" * FLASH_BYTES)
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self._timer = threading.Timer(self.max_s, self.kill)
        self._timer.daemon = True
        self._timer.start()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise TargetError(f"QEMU exited with {self.proc.returncode} at start: "
                                  f"{self.output()[-2000:]}")
            if _listening(self.port):
                return
            time.sleep(0.02)
        self.stop()
        raise TargetError(f"QEMU did not open port {self.port} within {wait_s:.0f} s")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        """Power loss: SIGKILL, nothing is flushed or closed by QEMU."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> QemuAgent:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listening(port: int) -> bool:
    """Is something listening on 127.0.0.1:port? (read /proc, so no connection is made)"""
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 3 and parts[1].endswith(want) and parts[3] == "0A":  # LISTEN
                return True
    return False


@contextlib.contextmanager
def resolve_port(port: str, flash_image: str | os.PathLike[str] | None = None) -> Iterator[str]:
    """Yield a pyserial URL for `port`; for "qemu:<core>" run the emulated board meanwhile."""
    if not port.startswith(PREFIX):
        if flash_image is not None:
            raise TargetError("--flash-image only applies to --port qemu:<core>")
        yield port
        return
    board = board_for(port)
    with contextlib.ExitStack() as stack:
        if flash_image is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="pyrt-flash-"))
            image = Path(tmp) / "flash.img"
        else:
            image = Path(flash_image)
        agent = stack.enter_context(QemuAgent(board, image))
        yield agent.url
