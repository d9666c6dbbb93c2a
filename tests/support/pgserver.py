"""A throwaway PostgreSQL server for the test session, on loopback, run as a non-root user.

PostgreSQL refuses to run as root, so as root the cluster is owned and run by the `postgres`
user that Debian's package creates. The server lives in a temporary folder and is stopped when
the session ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _binary(name: str) -> str:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(
        f"PostgreSQL's {name} is not installed; ./test installs it (apt-get install postgresql)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="annotate-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, user="postgres", group="postgres")

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        self._run(
            _binary("initdb"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "-D", str(self.data)
        )
        self.start_server()
        return self

    def start_server(self) -> None:
        """Start (or restart) the server on its data folder and port."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=60"
        )
        self._run(
            _binary("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start; see {self.folder / 'log'}")

    def stop_server(self) -> None:
        """Stop the server but keep its data, to simulate an outage."""
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        try:
            self.stop_server()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self, *, owner: str = "postgres") -> str:
        """A fresh, empty database on this server; returns its URL (without a password)."""
        name = "t_" + uuid.uuid4().hex[:12]
        self._admin(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return f"postgresql+psycopg://{owner}@127.0.0.1:{self.port}/{name}"

    def add_password_role(self, name: str, password: str) -> None:
        """A login role that must give its password on TCP connections (scram-sha-256), as on a
        team's server; the session's other roles keep trust authentication."""
        quoted = password.replace("'", "''")
        self._admin(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{quoted}'")
        hba = self.data / "pg_hba.conf"
        rule = f"host all {name} 127.0.0.1/32 scram-sha-256\n"
        # pg_hba.conf is read top down and the first matching line wins.
        hba.write_text(rule + hba.read_text())
        self._admin("SELECT pg_reload_conf()")
        # The server rereads the file a moment later: wait until a login without the password
        # is refused.
        import psycopg

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(host="127.0.0.1", port=self.port, user=name, dbname="postgres",
                                password="", connect_timeout=5).close()
            except psycopg.OperationalError:
                return
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL did not start asking {name} for a password")

    def _admin(self, sql: str) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(sql)
        finally:
            engine.dispose()
