"""The real Label Studio and doccano, run on loopback for the interchange tests.

``scripts/setup --test`` installs each tool from PyPI into its own virtual environment under
``.tools/`` and migrates an empty database for it once (``.tools/<tool>-template``). A test
session copies that database into a temporary folder, starts the tool on 127.0.0.1 on a free
port with a temporary home, creates its user and token, talks to it over HTTP, and stops it at
the end. Nothing reaches the network: update checks, telemetry and error reporting are off.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT

TOOLS = ROOT / ".tools"
STARTUP_TIMEOUT = 300.0  # a cold Label Studio migrates its database first: a minute or more


class ToolError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool_binary(venv: str, name: str) -> Path:
    path = TOOLS / venv / "bin" / name
    if not path.exists():
        raise ToolError(
            f"{path} is missing: ./test installs it (scripts/setup --test puts the tools "
            "into .tools/)"
        )
    return path


class Http:
    """A small JSON client: every request is bounded in time and says what failed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.headers: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        data: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 60.0,
    ) -> bytes:
        payload = data if data is not None else (
            json.dumps(body).encode() if body is not None else None
        )
        headers = dict(self.headers)
        if payload is not None:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + path, data=payload, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:2000]
            raise ToolError(f"{method} {path}: HTTP {exc.code}: {detail}") from exc

    def json(self, method: str, path: str, body: Any = None, **options: Any) -> Any:
        return json.loads(self.request(method, path, body=body, **options) or b"null")

    def multipart(self, path: str, field: str, filename: str, content: bytes) -> bytes:
        boundary = uuid.uuid4().hex
        data = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, data=data, content_type=f"multipart/form-data; boundary={boundary}"
        )


class ToolServer:
    """One tool's processes, in a temporary folder that goes when it stops."""

    name = "tool"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=f"annotate-{self.name}-"))
        self.home = self.folder / "home"
        self.home.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.started_in = 0.0

    def env(self, extra: Mapping[str, str]) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
        env = {k: v for k, v in os.environ.items() if k in keep}
        # Anything a tool tries to fetch from elsewhere goes to a closed loopback port and
        # fails at once; only the tool's own address is reached directly.
        nowhere = "http://127.0.0.1:9"
        env.update({"HOME": str(self.home), "TMPDIR": str(self.folder),
                    "PYTHONDONTWRITEBYTECODE": "1", "HTTP_PROXY": nowhere,
                    "HTTPS_PROXY": nowhere, "http_proxy": nowhere, "https_proxy": nowhere,
                    "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"})
        env.update(extra)
        return env

    def spawn(self, command: list[str], env: Mapping[str, str], log: str,
              cwd: Path | None = None) -> None:
        with (self.folder / log).open("wb") as out:
            self.processes.append(subprocess.Popen(
                command, env=dict(env), cwd=cwd or self.folder, stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            ))

    def run(self, command: list[str], env: Mapping[str, str], log: str,
            cwd: Path | None = None, timeout: float = 300.0) -> None:
        with (self.folder / log).open("ab") as out:
            done = subprocess.run(command, env=dict(env), cwd=cwd or self.folder, stdout=out,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  timeout=timeout, check=False)
        if done.returncode:
            raise ToolError(f"{' '.join(command[:3])} failed; its output:\n{self.log(log)}")

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text("utf-8", "replace")[-4000:] if path.exists() else ""

    def wait_until(self, path: str, log: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise ToolError(f"{self.name} exited with {process.returncode}; its output:"
                                    f"\n{self.log(log)}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise ToolError(f"{self.name} did not answer within {STARTUP_TIMEOUT:.0f} s; its output:"
                        f"\n{self.log(log)}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)


# --- Label Studio --------------------------------------------------------------------------


class LabelStudio(ToolServer):
    name = "label-studio"
    venv = "label-studio-venv"
    email = "admin@annotate.invalid"

    def start(self) -> LabelStudio:
        began = time.monotonic()
        binary = tool_binary(self.venv, "label-studio")
        data = self.folder / "data"
        template = TOOLS / "label-studio-template"
        if template.is_dir():  # migrated once by scripts/setup
            shutil.copytree(template, data)
        self.token = uuid.uuid4().hex
        env = self.env({
            "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "", "LOG_LEVEL": "WARNING",
        })
        self.spawn([str(binary), "start", "--no-browser", "--internal-host", "127.0.0.1",
                    "--port", str(self.port), "--data-dir", str(data),
                    "--username", self.email, "--password", uuid.uuid4().hex,
                    "--user-token", self.token, "--enable-legacy-api-token"],
                   env, "server.log")
        self.wait_until("/health", "server.log")
        self.http = Http(self.url)
        self.http.headers["Authorization"] = f"Token {self.token}"
        self.http.json("GET", "/api/current-user/whoami")
        self.started_in = time.monotonic() - began
        return self

    def add_user(self, email: str) -> int:
        user = self.http.json("POST", "/api/users", {"email": email, "username": email})
        return int(user["id"])

    def create_project(self, title: str, label_config: str) -> int:
        project = self.http.json("POST", "/api/projects",
                                 {"title": title, "label_config": label_config})
        return int(project["id"])

    def import_tasks(self, project: int, tasks: bytes) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(
            self.http.request("POST", f"/api/projects/{project}/import", data=tasks)
        )
        return answer

    def export_json(self, project: int) -> bytes:
        """A snapshot export, annotators by e-mail and predictions in full (the 'JSON' format)."""
        options = {"annotations__completed_by": {"only_id": False},
                   "predictions": {"only_id": False}}
        snapshot = self.http.json("POST", f"/api/projects/{project}/exports",
                                  {"title": "annotate", "serialization_options": options})
        deadline = time.monotonic() + 120
        while snapshot.get("status") != "completed":
            if snapshot.get("status") == "failed" or time.monotonic() > deadline:
                raise ToolError(f"Label Studio's export did not complete: {snapshot}")
            time.sleep(0.5)
            snapshot = self.http.json("GET", f"/api/projects/{project}/exports/{snapshot['id']}")
        return self.http.request(
            "GET", f"/api/projects/{project}/exports/{snapshot['id']}/download?exportType=JSON"
        )


# --- doccano -------------------------------------------------------------------------------


class Doccano(ToolServer):
    name = "doccano"
    venv = "doccano-venv"
    username = "admin"

    def start(self) -> Doccano:
        began = time.monotonic()
        python = tool_binary(self.venv, "python")
        backend = Path(subprocess.run(
            [str(python), "-c", "import backend, os; print(os.path.dirname(backend.__file__))"],
            capture_output=True, text=True, check=True, env=self.env({}),
        ).stdout.strip())
        data = self.folder / "data"
        data.mkdir()
        template = TOOLS / "doccano-template" / "db.sqlite3"
        database = data / "db.sqlite3"
        env = self.env({
            "DOCCANO_HOME": str(data), "STANDALONE": "True",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(data / "media"),
            "SECRET_KEY": uuid.uuid4().hex, "PYTHONPATH": str(backend),
        })
        doccano = str(tool_binary(self.venv, "doccano"))
        if template.exists():  # migrated once by scripts/setup
            shutil.copy(template, database)
        else:
            self.run([doccano, "init"], env, "init.log")
        self.password = uuid.uuid4().hex
        self.run([doccano, "createuser", "--username", self.username, "--password",
                  self.password, "--email", "admin@annotate.invalid"], env, "init.log")
        # The task queue's broker is the same SQLite file. Its tables and queue row are made
        # here, before the web server and the worker start: left to them, both create them at
        # once, and the loser's database session stays broken, failing every health check.
        self.run([str(python), "-c",
                  "import sys; from kombu import Connection\n"
                  "with Connection(sys.argv[1]) as c: c.SimpleQueue('celery').close()",
                  f"sqla+sqlite:///{database}"], env, "init.log")
        # doccano's own `webserver` command listens on every interface; gunicorn is told
        # loopback. Imports and exports run in its task queue (celery, one process).
        self.spawn([str(tool_binary(self.venv, "gunicorn")), "--chdir", str(backend), "--bind",
                    f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "120",
                    "config.wsgi"], env, "server.log")
        self.spawn([str(tool_binary(self.venv, "celery")), "--app=config",
                    f"--workdir={backend}", "worker", "--pool=solo", "--loglevel=warning"],
                   env, "worker.log", cwd=backend)
        self.wait_until("/v1/health/", "server.log")
        self.http = Http(self.url)
        key = self.http.json("POST", "/v1/auth/login/",
                             {"username": self.username, "password": self.password})["key"]
        self.http.headers["Authorization"] = f"Token {key}"
        self.started_in = time.monotonic() - began
        return self

    def create_project(
        self, name: str, span_types: list[tuple[str, str]], relation_types: list[str]
    ) -> int:
        project = self.http.json("POST", "/v1/projects", {
            "name": name, "description": name, "guideline": "",
            "project_type": "SequenceLabeling", "resourcetype": "SequenceLabelingProject",
            "allow_overlapping": True, "use_relation": True,
        })
        pid = int(project["id"])
        for text, colour in span_types:
            self.http.json("POST", f"/v1/projects/{pid}/span-types",
                           {"text": text, "background_color": colour, "text_color": "#000000"})
        for text in relation_types:
            self.http.json("POST", f"/v1/projects/{pid}/relation-types",
                           {"text": text, "background_color": "#888888",
                            "text_color": "#ffffff"})
        return pid

    def _wait(self, task_id: str) -> Any:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = self.http.json("GET", f"/v1/tasks/status/{task_id}")
            if status.get("ready"):
                if status.get("error"):
                    raise ToolError(f"doccano's task failed: {status['error']}\n"
                                    f"{self.log('worker.log')}")
                return status.get("result")
            time.sleep(0.3)
        raise ToolError(f"doccano's task {task_id} did not finish; {self.log('worker.log')}")

    def import_jsonl(self, project: int, path: Path) -> Any:
        """Upload a file as doccano's 'JSONL(Relation)' import does; its per-line errors."""
        upload = self.http.multipart("/v1/fp/process/", "filepond", path.name,
                                     path.read_bytes()).decode()
        task = self.http.json("POST", f"/v1/projects/{project}/upload", {
            "format": "JSONL", "task": "RelationExtraction", "uploadIds": [upload],
            # As the upload form offers it: doccano's own guess (chardet) can take UTF-8
            # with curly quotes for a Windows code page.
            "encoding": "utf_8",
        })["task_id"]
        return self._wait(task)

    def export_zip(self, project: int) -> bytes:
        task = self.http.json("POST", f"/v1/projects/{project}/download",
                              {"format": "JSONL", "exportApproved": False})["task_id"]
        self._wait(task)
        return self.http.request("GET", f"/v1/projects/{project}/download?taskId={task}")
