"""A loopback TCP proxy between the host tool and an emulated board's UART that damages the
traffic on purpose: drops bytes, flips bits, duplicates and delays frames (a frame is
everything up to a 0x00 delimiter), and cuts the connection once after a number of bytes.

    with FaultProxy(upstream_port, Faults(flip=0.05, seed=1)) as proxy:
        client = AgentClient(proxy.url)

Each client connection gets its own upstream connection; after a cut the client reconnects
to the proxy and the proxy connects to the board again. Bounded in time: every thread stops
after `max_s` seconds. Loopback only.
"""
from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    drop: float = 0.0       # per frame: remove one random byte
    flip: float = 0.0       # per frame: flip one random bit
    dup: float = 0.0        # per frame: send it twice
    delay: float = 0.0      # per frame: hold it (and the stream behind it) for delay_s
    delay_s: float = 0.3
    cut_after: int | None = None  # close both sides once, after this many client->board bytes
    directions: tuple[str, ...] = ("up", "down")  # up: host->board, down: board->host
    seed: int = 0


@dataclass
class FaultCounts:
    drop: int = 0
    flip: int = 0
    dup: int = 0
    delay: int = 0
    cut: int = 0
    frames: int = 0
    log: list[str] = field(default_factory=list)


class FaultProxy:
    def __init__(self, upstream_port: int, faults: Faults, max_s: float = 300.0) -> None:
        self.upstream_port = upstream_port
        self.faults = faults
        self.counts = FaultCounts()
        self.max_s = max_s
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._up_bytes = 0
        self._cut_done = False
        self._srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._srv.bind(("127.0.0.1", 0))
        self._srv.listen(4)
        self._srv.settimeout(0.1)
        self.port = self._srv.getsockname()[1]
        self._deadline = time.monotonic() + max_s
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        self._srv.close()

    def _alive(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _accept(self) -> None:
        while self._alive():
            try:
                client, _ = self._srv.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            try:
                board = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            for s in (client, board):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.settimeout(0.05)
            conn_stop = threading.Event()
            for src, dst, name in ((client, board, "up"), (board, client, "down")):
                t = threading.Thread(target=self._pump, args=(src, dst, name, conn_stop),
                                     daemon=True)
                t.start()
                self._threads.append(t)

    def _damage(self, frame: bytes, name: str) -> list[tuple[float, bytes]]:
        """What to send for one frame: [(delay, bytes), ...]."""
        f = self.faults
        if name not in f.directions or len(frame) < 2:
            return [(0.0, frame)]
        with self._lock:
            rng, c = self._rng, self.counts
            c.frames += 1
            data = bytearray(frame)
            body = len(data) - 1  # never touch the delimiter itself
            if rng.random() < f.drop:
                del data[rng.randrange(body)]
                c.drop += 1
            if rng.random() < f.flip:
                i = rng.randrange(len(data) - 1)
                data[i] ^= 1 << rng.randrange(8)
                c.flip += 1
            delay = 0.0
            if rng.random() < f.delay:
                delay = f.delay_s
                c.delay += 1
            out = [(delay, bytes(data))]
            if rng.random() < f.dup:
                out.append((0.0, bytes(data)))
                c.dup += 1
            return out

    def _pump(self, src: socket.socket, dst: socket.socket, name: str,
              conn_stop: threading.Event) -> None:
        pending = bytearray()
        try:
            while self._alive() and not conn_stop.is_set():
                try:
                    data = src.recv(65536)
                except (TimeoutError, socket.timeout):
                    continue
                if not data:
                    break
                if name == "up":
                    with self._lock:
                        self._up_bytes += len(data)
                        cut = (self.faults.cut_after is not None and not self._cut_done
                               and self._up_bytes >= self.faults.cut_after)
                        if cut:
                            self._cut_done = True
                            self.counts.cut += 1
                    if cut:
                        break
                pending += data
                while True:
                    z = pending.find(0)
                    if z < 0:
                        break
                    frame = bytes(pending[:z + 1])
                    del pending[:z + 1]
                    for delay, out in self._damage(frame, name):
                        if delay:
                            time.sleep(delay)
                        dst.sendall(out)
        except OSError:
            pass
        finally:
            conn_stop.set()
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
