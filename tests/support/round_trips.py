"""Counting the round trips to PostgreSQL, as libpq sees them on the wire.

Every connection the engine opens is traced by libpq (``PQtrace``) while a count is taken:
each exchange with the server ends with the server's ReadyForQuery, whatever it carried (a
query, a prepared statement, BEGIN, ROLLBACK, a health check), so those are what is counted.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import Connection, pq
from sqlalchemy import Engine, event

READY_FOR_QUERY = "\tReadyForQuery\t"
QUIET_TRACE = pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE


@dataclass
class Exchanges:
    """What the traced connections sent and received, once the count is over."""

    lines: list[str] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        return sum(READY_FOR_QUERY in line for line in self.lines)

    def sent(self, command: str) -> int:
        """How many times a simple query such as BEGIN or ROLLBACK was sent."""
        return sum(line.startswith("F\t") and f'Query\t "{command}"' in line for line in self.lines)


class RoundTripCounter:
    """Traces the connections of ``engine``: opened from now on, on demand."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.folder = folder
        self.connections: list[Connection] = []
        self.traces: dict[int, tuple[Connection, int, Path]] = {}
        self.counting = False
        engine.dispose()
        event.listen(engine, "connect", self.opened)

    def opened(self, connection: Connection, _record) -> None:
        self.connections.append(connection)
        if self.counting:
            self.trace(connection)

    def trace(self, connection: Connection) -> None:
        descriptor, name = tempfile.mkstemp(dir=self.folder, suffix=".trace")
        connection.pgconn.trace(descriptor)
        connection.pgconn.set_trace_flags(QUIET_TRACE)
        self.traces[id(connection)] = (connection, descriptor, Path(name))

    def finish(self) -> Exchanges:
        exchanges = Exchanges()
        for connection, descriptor, path in self.traces.values():
            if not connection.closed:
                connection.pgconn.untrace()
            os.close(descriptor)
            exchanges.lines += path.read_text().splitlines()
        self.traces.clear()
        return exchanges

    @contextmanager
    def count(self) -> Iterator[Exchanges]:
        """``with counter.count() as exchanges:`` fills ``exchanges`` when the block ends."""
        exchanges = Exchanges()
        self.counting = True
        for connection in self.connections:
            if not connection.closed:
                self.trace(connection)
        try:
            yield exchanges
        finally:
            self.counting = False
            exchanges.lines += self.finish().lines
