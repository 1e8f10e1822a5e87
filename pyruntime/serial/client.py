"""AgentClient: stop-and-wait requests to the on-device agent over any pyserial port.

Every request carries a 16-bit sequence number; the device answers each with one response
of the same number (type | 0x80) and replays its cached response when the same request
arrives twice. Lost, damaged or NAKed exchanges are retransmitted with exponential backoff;
a dropped connection (socket closed, USB unplugged) is reopened for up to `reconnect_s`.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import serial

from ..errors import PyruntimeError
from . import protocol as P
from .framing import FrameDecoder, encode_frame


class AgentError(PyruntimeError):
    """The agent answered with an error status, or could not be reached."""

    def __init__(self, message: str, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass
class WireStats:
    tx_bytes: int = 0
    rx_bytes: int = 0
    requests: int = 0
    retransmits: int = 0
    reconnects: int = 0
    naks: int = 0
    device_starts: int = 0  # READY frames: the device booted while connected


def open_port(url: str, baudrate: int = 115200) -> Any:
    """A device path or any pyserial URL (socket://, rfc2217://, loop://)."""
    try:
        return serial.serial_for_url(url, baudrate=baudrate, timeout=0.02, write_timeout=5.0)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise AgentError(f"cannot open port {url}: {exc}") from exc


class AgentClient:
    def __init__(self, url: str, *, baudrate: int = 115200, retries: int = 8,
                 timeout_s: float = 1.0, reconnect_s: float = 20.0) -> None:
        self.url = url
        self.baudrate = baudrate
        self.retries = retries
        self.timeout_s = timeout_s
        self.reconnect_s = reconnect_s
        self.stats = WireStats()
        self._decoder = FrameDecoder()
        self._seq = random.randrange(0x10000)
        self._port: Any = open_port(url, baudrate)

    # ---- connection ------------------------------------------------------------------
    def close(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            except (serial.SerialException, OSError):
                pass
            self._port = None

    def __enter__(self) -> AgentClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reconnect(self, why: str) -> None:
        self.close()
        deadline = time.monotonic() + self.reconnect_s
        delay = 0.05
        while True:
            try:
                self._port = serial.serial_for_url(self.url, baudrate=self.baudrate,
                                                   timeout=0.02, write_timeout=5.0)
                self._decoder.reset()
                self.stats.reconnects += 1
                return
            except (serial.SerialException, OSError) as exc:
                if time.monotonic() + delay > deadline:
                    raise AgentError(f"connection to {self.url} lost ({why}) and not restored "
                                     f"within {self.reconnect_s:.0f} s: {exc}") from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    # ---- one exchange ----------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        self._port.write(data)
        self._port.flush()
        self.stats.tx_bytes += len(data)

    def _await(self, ftype: int, seq: int, deadline: float) -> bytes | None:
        """Body of the response; None on timeout or NAK (the caller retransmits)."""
        while time.monotonic() < deadline:
            data = self._port.read(max(1, self._port.in_waiting or 1))
            if not data:
                continue
            self.stats.rx_bytes += len(data)
            for frame in self._decoder.feed(data):
                if frame.type == P.READY and frame.seq == 0:
                    self.stats.device_starts += 1  # a request in flight may be lost: the
                    continue  # timeout and retransmission below take care of it
                if frame.type == P.NAK:
                    self.stats.naks += 1
                    if frame.body[:1] == bytes([P.E_VERSION]) and frame.seq == seq:
                        raise AgentError(f"the device speaks protocol version "
                                         f"{frame.body[1]}, this host {P.PROTO_VERSION}")
                    if frame.seq == seq:
                        return None
                elif frame.type == (ftype | P.RESP_FLAG) and frame.seq == seq:
                    return frame.body
                # anything else: a stale response to an earlier attempt; ignore
        return None

    def request(self, ftype: int, body: bytes = b"", *, extra_s: float = 0.0,
                check: bool = True) -> bytes:
        """Send one request and return the response body (status byte first).

        Raises AgentError when the agent returns an error status (with check) or when no
        valid response arrives after `retries` attempts."""
        name = P.COMMAND_NAMES.get(ftype, f"0x{ftype:02x}")
        self._seq = (self._seq + 1) & 0xFFFF
        seq = self._seq
        frame = encode_frame(ftype, seq, body)
        # the host->device direction may be as slow as ~9 KiB/s (QEMU) or 11.5 kB/s (UART)
        budget = self.timeout_s + extra_s + len(frame) / 8000.0
        delay = 0.05
        self.stats.requests += 1
        last = "no response"
        for attempt in range(self.retries + 1):
            if attempt:
                self.stats.retransmits += 1
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
            try:
                if self._port is None:
                    self._reconnect(last)
                self._send(frame)
                resp = self._await(ftype, seq, time.monotonic() + budget)
            except (serial.SerialException, OSError) as exc:
                last = f"connection error: {exc}"
                self._reconnect(last)
                continue
            if resp is None:
                last = f"no valid response within {budget:.1f} s"
                continue
            if check and resp[0] != P.OK:
                raise AgentError(f"{name} failed on the device: {P.status_text(resp[0])}",
                                 resp[0], resp)
            return resp
        raise AgentError(f"{name}: no answer from the agent on {self.url} after "
                         f"{self.retries + 1} attempts ({last})")

    # ---- commands ----------------------------------------------------------------------
    def info(self) -> P.DeviceInfo:
        return P.parse_info(self.request(P.INFO))
