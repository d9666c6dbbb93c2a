"""A throwaway JupyterLab server and headless Chromium, for the browser tests and the bench.

The lab, its kernels and Chromium run with a temporary HOME, settings and workspaces folder and
the project database given to them (ANNOTATE_DB in the lab's environment), so nothing touches
the developer's files; the server runs in its own process group, and stopping it ends every
kernel it started. Facts this relies on are in the project's notes on the test machines:
Debian's Chromium (``playwright install`` cannot download one here), ``expose_app_in_browser``
to reach ``window.jupyterapp``, and waiting for the kernel itself, not the toolbar, to be idle.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from annotate.store import Store

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "annotate.ipynb"
CHROMIUM = os.environ.get("ANNOTATE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANNOTATOR = "alice"  # the lab's JUPYTERHUB_USER in the tests
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], T], *, timeout: float = 10.0, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


@dataclass
class Lab:
    url: str
    db: Path
    log: Path
    process: subprocess.Popen[bytes]
    notebook: str = NOTEBOOK.name

    @classmethod
    def start(
        cls,
        folder: Path,
        *,
        db: Path,
        annotator: str | None,
        notebook: Path = NOTEBOOK,
        environment: dict[str, str] | None = None,
    ) -> Lab:
        """JupyterLab on a free port, serving a copy of ``notebook`` (the annotation one by
        default), with ``annotator`` as JUPYTERHUB_USER (None: unset, so the widget asks);
        ``environment`` adds variables for the lab and its kernels."""
        home, settings, workspaces, root_dir = (
            folder / name for name in ("home", "settings", "workspaces", "root")
        )
        for path in (home, settings, workspaces, root_dir):
            path.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, root_dir / notebook.name)
        # No "get Jupyter news?" toast over the widget.
        news = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("JUPYTER", "ANNOTATE_", "XDG_"))
        }
        env.update(
            HOME=str(home),
            ANNOTATE_DB=str(db),
            JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        )
        if annotator is not None:
            env["JUPYTERHUB_USER"] = annotator
        env.update(environment or {})
        port = free_port()
        log = folder / "lab.log"
        command = [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={workspaces}",
            f"--ServerApp.root_dir={root_dir}",
            # Kernels are shut down over the REST API; the server listens on 127.0.0.1 only
            # and lives for one test module or one bench run.
            "--ServerApp.disable_check_xsrf=True",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=root_dir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        lab = cls(f"http://127.0.0.1:{port}", db, log, process, notebook.name)

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited:\n{log.read_text()[-3000:]}")
            try:
                lab.api("/api/status")
            except OSError:
                return False
            return True

        try:
            wait_for(ready, timeout=60, what="jupyter lab to answer /api/status")
        except BaseException:
            lab.stop()
            raise
        return lab

    @property
    def home(self) -> Path:
        """The HOME of the lab and its kernels."""
        return self.log.parent / "home"

    def stop(self) -> None:
        """End the server and, with its process group, every kernel it started."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def api(self, path: str, method: str = "GET") -> Any:
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def store(self) -> Store:
        """The project database, opened the way any other program would open it."""
        return Store(str(self.db))


def launch_chromium(driver: Any, home: Path) -> Any:
    """Debian's Chromium, headless, with its own HOME."""
    return driver.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        env={**os.environ, "HOME": str(home)},
    )


class NotebookPage:
    """The lab's notebook open in JupyterLab, with the widget's handles for the tests.

    ``testid`` is the widget root's ``data-testid``: ``annotator``, or ``reviewer``.
    """

    def __init__(self, lab: Lab, page: Any, *, testid: str = "annotator") -> None:
        self.lab = lab
        self.page = page
        self.testid = testid
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    # --- JupyterLab --------------------------------------------------------------------------
    def open(self) -> NotebookPage:
        self.page.goto(f"{self.lab.url}/lab/tree/{self.lab.notebook}?reset")
        self.wait_kernel_idle(timeout=60)
        return self

    def wait_kernel_idle(self, *, timeout: float = 30) -> None:
        # The toolbar says idle before any kernel exists; ask the session itself.
        self.page.wait_for_function(
            """() => {
              const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
              const kernel = w && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel;
              return Boolean(kernel && kernel.status === "idle");
            }""",
            timeout=timeout * 1000,
        )

    def run_all(self) -> Any:
        self.page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        return self.widget()

    def restart_kernel(self) -> None:
        self.page.evaluate(
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()"
        )
        self.wait_kernel_idle()

    def cell_count(self) -> int:
        return int(
            self.page.evaluate("window.jupyterapp.shell.currentWidget.content.model.cells.length")
        )

    # --- the widget --------------------------------------------------------------------------
    def widget(self) -> Any:
        root = self.page.locator(f'[data-testid="{self.testid}"]').last
        root.wait_for(state="visible", timeout=60_000)
        self.page.wait_for_function(
            """(testid) => {
              const roots = document.querySelectorAll(`[data-testid="${testid}"]`);
              const root = roots[roots.length - 1];
              return Boolean(root && root.dataset.docId);
            }""",
            arg=self.testid,
        )
        return root

    def focus(self) -> None:
        self.widget().evaluate("el => el.focus()")

    def press(self, *keys: str) -> None:
        self.focus()
        for key in keys:
            self.page.keyboard.press(key)

    def settle(self) -> float:
        """Wait until the widget has acted on every key and click so far: a ping through its
        own channel, queued behind them, comes back once each has had its answer from Python.
        Returns the ping's round trip in milliseconds."""
        return float(
            self.widget().evaluate(
                """(root) => new Promise((done) => {
                  root.addEventListener("annotator:pong", (e) => done(e.detail.ms), {once: true});
                  root.dispatchEvent(new CustomEvent("annotator:ping"));
                })"""
            )
        )

    def active_content(self) -> list[str]:
        """Elements in the widget that could run or load something (scripts, images, frames,
        inline event handlers): the article's markup, had it been rendered as markup. The
        widget's own drawing of links (an SVG of paths, circles and text, ``.an-arcs``) is the
        one SVG allowed, and only with those elements in it."""
        found: list[str] = self.widget().evaluate(
            """(root) => [...root.querySelectorAll("*")]
              .filter((el) => {
                const tag = el.tagName.toUpperCase();
                const arcs = el.closest(".an-arcs");
                const handler = [...el.attributes].some((a) => a.name.startsWith("on"));
                if (arcs) {
                  return handler || !(el === arcs || ["G", "PATH", "CIRCLE", "TEXT"].includes(tag));
                }
                return handler || ["SCRIPT", "IMG", "IFRAME", "OBJECT", "EMBED", "SVG", "LINK",
                                   "A"].includes(tag);
              })
              .map((el) => el.outerHTML)"""
        )
        return found

    def click_text(self, text: str, *, within: str = "", shift: bool = False) -> None:
        box = self.text_box(text, within=within)
        x, y = (box["x0"] + box["x1"]) / 2, box["y0"]
        if shift:
            self.page.keyboard.down("Shift")
        self.page.mouse.click(x, y)
        if shift:
            self.page.keyboard.up("Shift")

    def span(self, **attrs: str) -> Any:
        selector = "".join(f'[data-{k.replace("_", "-")}="{v}"]' for k, v in attrs.items())
        return self.widget().locator(f"[data-span-id]{selector}")

    def goto_doc(self, doc_id: str) -> None:
        """Open a document as a person does: the reviewer's list, or the annotator's `g` box
        (the document's id typed, its entry picked from what the kernel found)."""
        widget = self.widget()
        if widget.locator("select.an-jump").count() == 0:
            if widget.get_attribute("data-doc-id") == doc_id:
                return
            self.press("g")
            field = widget.get_by_label("Find a document")
            field.fill(doc_id)
            widget.locator(f'.an-jump-list [data-doc-id="{doc_id}"]').first.dispatch_event(
                "mousedown"
            )
        else:
            widget.locator("select.an-jump").select_option(doc_id)
        self.page.wait_for_function(
            '([id, testid]) => [...document.querySelectorAll(`[data-testid="${testid}"]`)]'
            ".pop().dataset.docId === id",
            arg=[doc_id, self.testid],
        )

    def text_box(self, text: str, *, within: str = "") -> dict[str, float]:
        """Where ``text`` is drawn: its first occurrence inside the first ``within``."""
        box: dict[str, float] | None = self.page.evaluate(
            """async ([needle, within, testid]) => {
              const frames = () => new Promise(
                (done) => requestAnimationFrame(() => requestAnimationFrame(done)));
              const locate = () => {
                const roots = document.querySelectorAll(`[data-testid="${testid}"]`);
                const area = roots[roots.length - 1].querySelector('.an-text');
                const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
                const nodes = [];
                let all = "";
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  nodes.push([n, all.length]);
                  all += n.data;
                }
                const around = all.indexOf(within);
                const at = around < 0 ? -1 : all.indexOf(needle, around);
                if (at < 0) return null;
                const point = (offset) => {
                  for (let i = nodes.length - 1; i >= 0; i -= 1) {
                    if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
                  }
                };
                const range = document.createRange();
                range.setStart(...point(at));
                range.setEnd(...point(at + needle.length));
                return {area, range};
              };
              const found = locate();
              if (!found) return null;
              // Bring the article into view, then scroll it so the text is in its middle (the
              // annotator's text scrolls in a box around it, with the links drawn over it).
              const scroller = found.area.closest(".an-scroll") || found.area;
              // Only the notebook scrolls to bring the article into view, as the wheel does
              // (scrollIntoView would also scroll the output's overflow-hidden boxes).
              const notebook = scroller.closest(".jp-WindowedPanel-outer");
              if (notebook) {
                const a = scroller.getBoundingClientRect();
                const n = notebook.getBoundingClientRect();
                if (a.top < n.top) notebook.scrollTop -= n.top - a.top;
                else if (a.bottom > n.bottom) {
                  notebook.scrollTop += Math.min(a.bottom - n.bottom, a.top - n.top);
                }
              }
              await frames();
              const outer = scroller.getBoundingClientRect();
              scroller.scrollTop +=
                found.range.getBoundingClientRect().top - outer.top - outer.height / 2;
              await frames();
              const {range} = locate();  // the page may have redrawn meanwhile
              const rects = range.getClientRects();
              const first = rects[0];
              const last = rects[rects.length - 1];
              return {x0: first.left, y0: first.top + first.height / 2,
                      x1: last.right, y1: last.top + last.height / 2};
            }""",
            [text, within or text, self.testid],
        )
        assert box is not None, f"{text!r} is not in the article"
        return box

    def drag_select(self, text: str, *, within: str = "", inset: float = 2.0) -> None:
        """Select ``text`` with a real mouse drag, starting and ending inside its first and last
        characters (not on their edges), as a hurried person does."""
        box = self.text_box(text, within=within)
        mouse = self.page.mouse
        mouse.move(box["x0"] + inset, box["y0"])
        mouse.down()
        mouse.move((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2, steps=4)
        mouse.move(box["x1"] - inset, box["y1"], steps=4)
        mouse.up()
