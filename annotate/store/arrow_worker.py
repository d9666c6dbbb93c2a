"""A process of its own that reads a SQLite file through ADBC into Arrow (see
:mod:`.arrow_reads`), run as a script so that it imports neither annotate nor pandas.

It must be a process of its own: the ADBC driver carries its own copy of SQLite, and two
copies in one process break each other's POSIX locks (closing the file in one drops the
other's locks; SQLite's documentation lists it among the ways to corrupt a database).

Protocol, on stdin and stdout: each request is one line of JSON, ``{"sql": ..., "params":
[...]}`` to run a query in the current read transaction, or ``{"end": true}`` to end it. Each
query is answered by ``T`` and an Arrow IPC stream, or ``E`` and a UTF-8 message; each ``end``
by ``K``. Every answer's body is preceded by its length as 8 bytes, little-endian. The worker
stops at the end of its input.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any, BinaryIO

# Every row of a result in one Arrow batch: the driver infers a column's type from its first
# batch, and a later batch of another type would fail (a NULL-only first batch reads as int64).
BATCH_ROWS = str(2**30)


def answer(out: BinaryIO, tag: bytes, body: bytes | Any) -> None:
    out.write(tag + len(body).to_bytes(8, "little"))
    out.write(body)
    out.flush()


def main(uri: str) -> None:
    import adbc_driver_manager
    import adbc_driver_sqlite.dbapi as adbc_sqlite
    import pyarrow as pa

    out = sys.stdout.buffer
    connection = adbc_sqlite.connect(uri)
    try:
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("end"):
                with contextlib.suppress(adbc_driver_manager.Error):
                    connection.rollback()
                answer(out, b"K", b"")
                continue
            try:
                cursor = connection.cursor()
                try:
                    cursor.adbc_statement.set_options(
                        **{"adbc.sqlite.query.batch_rows": BATCH_ROWS}
                    )
                    cursor.execute(request["sql"], request["params"])
                    table = cursor.fetch_arrow_table()
                finally:
                    cursor.close()
                sink = pa.BufferOutputStream()
                with pa.ipc.new_stream(sink, table.schema) as writer:
                    writer.write_table(table)
                answer(out, b"T", sink.getvalue())
            except (adbc_driver_manager.Error, pa.ArrowException) as exc:
                answer(out, b"E", str(exc).encode("utf-8", "replace"))
    finally:
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1])
