"""PostgreSQL connections that spend their round trips on queries.

Transactions: during a request, a statement that only reads (a compiled SELECT that locks
nothing) and finds no transaction open runs in autocommit; any other statement (an INSERT,
UPDATE or DELETE, a ``SELECT ... FOR UPDATE``, a SAVEPOINT, DDL, raw SQL) begins a real
transaction, which the operation commits or the pool rolls back as before. Under READ
COMMITTED, PostgreSQL's default and this app's, each statement of a transaction takes its own
snapshot, so a read outside a transaction sees what it would have seen inside one: only
locks and ``SET LOCAL`` need the transaction, and the statements that take them begin it.
A reading page thus sends no BEGIN and no ROLLBACK, and psycopg keeps the statements it
prepared (a ROLLBACK discards them). Outside requests (the scheduler, the CLI) and on a
connection given an ``isolation_level`` of its own, transactions are as SQLAlchemy makes them.

Dead connections: rather than a ``SELECT 1`` before every checkout, the checkout looks at
the connection's socket, which costs no round trip. A server that ends a connection (a
restart, ``pg_terminate_backend``) first sends it a message, so an idle connection with
something to read is one the server has left: the pool replaces it. ``pool_recycle``
retires connections before a firewall would forget them silently.
"""

import select
from typing import Any

from flask import has_request_context
from psycopg import Connection as PsycopgConnection
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

#: Set on a connection checked out for a request: its reads need no transaction.
READS_OUTSIDE_TRANSACTIONS = "reads_outside_transactions"
#: Seconds a connection serves before the pool replaces it: under the idle timeouts of
#: common firewalls and load balancers (350 s and more).
RECYCLE_SECONDS = 300
#: psycopg prepares a statement the second time a connection runs it: a page's statements
#: run on every request, and a prepared one is not parsed again (nor planned, once
#: PostgreSQL finds its generic plan as good as a custom one).
PREPARE_THRESHOLD = 2


def postgresql_engine_options() -> dict[str, Any]:
    """Pool and driver settings for the behaviour described above."""
    return {"pool_recycle": RECYCLE_SECONDS}


def postgresql_connect_args() -> dict[str, Any]:
    return {"prepare_threshold": PREPARE_THRESHOLD}


def server_has_left(connection: PsycopgConnection) -> bool:
    """Whether the server closed this idle connection: it has something to read, which on
    an idle connection that listens for nothing is the server's goodbye."""
    if connection.closed or connection.broken:
        return True
    waiting = select.poll()
    waiting.register(connection.fileno(), select.POLLIN)
    return bool(waiting.poll(0))


def check_out(
    connection: PsycopgConnection, entry: ConnectionPoolEntry, _proxy: PoolProxiedConnection
) -> None:
    """Replace a connection the server has left; let a request's reads skip transactions."""
    if server_has_left(connection):
        raise DisconnectionError("the server closed this connection")
    entry.info[READS_OUTSIDE_TRANSACTIONS] = has_request_context()
    connection.autocommit = False


def is_plain_read(context: ExecutionContext | None) -> bool:
    """A compiled SELECT that locks nothing and reads through no server-side cursor (one
    lives in a transaction)."""
    statement = getattr(getattr(context, "compiled", None), "statement", None)
    return (
        statement is not None
        and statement.is_select
        and getattr(statement, "_for_update_arg", None) is None
        and not context.execution_options.get("stream_results")
    )


def choose_transaction(
    connection: Connection,
    cursor: Any,
    _statement: str,
    _parameters: Any,
    context: ExecutionContext | None,
    _executemany: bool,
) -> None:
    """With no transaction open, run a plain read in autocommit and begin one for anything
    else; inside a transaction, carry on in it."""
    driver_connection = cursor.connection
    if (
        connection.info.get(READS_OUTSIDE_TRANSACTIONS)
        and driver_connection.info.transaction_status == TransactionStatus.IDLE
        and "isolation_level" not in connection.get_execution_options()
    ):
        driver_connection.autocommit = is_plain_read(context)


def configure_postgresql_connections(engine: Engine) -> None:
    """Listen for checkouts and statements on a PostgreSQL ``engine``."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", check_out)
        event.listen(engine, "before_cursor_execute", choose_transaction)
