"""A TCP proxy with faults on demand: it forwards, stalls or cuts (tests and bench/soak.py).

Standard library only, so that the soak benchmark can use it without the test suite's fixtures.
"""

from __future__ import annotations

import selectors
import socket
import threading


class TcpProxy:
    """A TCP proxy on 127.0.0.1 (an ephemeral port) to `target`, with faults on demand."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._mode = "forward"
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._closed = False
        self._threads = [threading.Thread(target=self._accept, daemon=True),
                         threading.Thread(target=self._pump, daemon=True)]
        for thread in self._threads:
            thread.start()

    def url(self, database_url: str) -> str:
        """`database_url` with its host and port replaced by the proxy's."""
        from sqlalchemy import make_url

        return make_url(database_url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    # --- faults -------------------------------------------------------------------

    def forward(self) -> None:
        """Back to normal: new connections reach the server (held ones are dropped)."""
        with self._lock:
            self._mode = "forward"
            for held in self._held:
                held.close()
            self._held.clear()

    def stall(self) -> None:
        """Connections stay open but nothing passes either way: the server seems frozen."""
        with self._lock:
            self._mode = "stall"

    def cut(self) -> None:
        """Every connection is dropped and new ones are closed at once: the server is down."""
        with self._lock:
            self._mode = "cut"
            for a, b in list(self._pairs):
                self._drop(a, b)

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()

    # --- plumbing -------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                mode = self._mode
                if mode == "cut":
                    client.close()
                    continue
                if mode == "stall":
                    self._held.append(client)
                    continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
                self._selector.register(client, selectors.EVENT_READ, server)
                self._selector.register(server, selectors.EVENT_READ, client)

    def _pump(self) -> None:
        while not self._closed:
            if self._mode == "stall":  # bytes stay in the kernel's buffers: nothing is answered
                threading.Event().wait(0.05)
                continue
            try:
                events = self._selector.select(timeout=0.1) if self._selector.get_map() else []
            except (OSError, ValueError):
                events = []
            if not events:
                threading.Event().wait(0.02)
                continue
            for key, _ in events:
                source, sink = key.fileobj, key.data
                try:
                    data = source.recv(65536)
                    if data:
                        sink.sendall(data)
                        continue
                except OSError:
                    pass
                with self._lock:
                    self._drop(source, sink)

    def _drop(self, a: socket.socket, b: socket.socket) -> None:
        for s in (a, b):
            try:
                self._selector.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()
        self._pairs[:] = [p for p in self._pairs if a not in p]
