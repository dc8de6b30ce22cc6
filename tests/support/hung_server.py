"""A server that accepts connections and never answers: Redis or PostgreSQL hung; and a
port nobody listens on: the same server down."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

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
