"""A server that accepts connections and never answers: Redis or PostgreSQL hung; and a
port nobody listens on: the same server down."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from support.smtp import free_port


@contextmanager
def hung_server() -> Iterator[int]:
    """Listen on a free local port, accept every connection and say nothing; yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _address = listener.accept()
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        for connection in accepted:
            connection.close()
        thread.join(timeout=1)


@contextmanager
def unreachable_port(how: str) -> Iterator[int]:
    """A port where a server is ``"down"`` (nobody listens) or ``"hung"`` (never answers)."""
    if how == "down":
        yield free_port()
        return
    with hung_server() as port:
        yield port


class SwitchableProxy:
    """A TCP proxy in front of a real server that can be cut off and put back on one port:
    the server going away (connections closed, new ones refused) and coming back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            hang_up(listener)
        for connection in self.connections:
            hang_up(connection)
        self.connections.clear()

    def accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
                server = socket.create_connection(self.target)
            except OSError:
                return
            self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=pipe, args=(source, sink), daemon=True).start()


def pipe(source: socket.socket, sink: socket.socket) -> None:
    """Copy what ``source`` says to ``sink`` until either closes."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for each in (source, sink):
            hang_up(each)


def hang_up(connection: socket.socket) -> None:
    """Close a connection another thread may be reading (shutting it down wakes that thread)."""
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


@contextmanager
def switchable_proxy(target: tuple[str, int]) -> Iterator[SwitchableProxy]:
    proxy = SwitchableProxy(target)
    proxy.restore()
    try:
        yield proxy
    finally:
        proxy.cut()
