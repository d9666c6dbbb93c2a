"""The browser bundles in annotate/widgets/static are what their sources build, carry a source
map of those sources, and reach anywidget as paths it can watch; the sources' JSDoc types hold.

The bundles are committed so that users need no Node; these tests rebuild them (with the
esbuild and TypeScript that ``scripts/setup --test`` installs from npm) and fail when one is
stale.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

from annotate.widgets import Annotator, Reviewer
from annotate.widgets.base import STATIC

JS = STATIC.parent / "js"
BUNDLES = ("annotator.js", "annotator.css", "review.js", "review.css")
MAP = re.compile(r"sourceMappingURL=data:application/json;base64,([A-Za-z0-9+/=]+)")


def node(*args: str) -> subprocess.CompletedProcess[str]:
    """Run Node in annotate/widgets/js, with the packages package-lock.json pins."""
    program = shutil.which("node")
    assert program and (JS / "node_modules").is_dir(), "no Node packages: run scripts/setup --test"
    return subprocess.run(
        [program, *args], cwd=JS, capture_output=True, text=True, timeout=300, check=False
    )


def test_committed_bundles_are_what_the_sources_build() -> None:
    result = node("build.mjs", "--check")
    assert result.returncode == 0, result.stderr or result.stdout


def test_the_sources_jsdoc_types_check() -> None:
    # jsconfig.json: strict, as an editor with TypeScript's checker sees the sources.
    result = node("node_modules/typescript/bin/tsc", "-p", "jsconfig.json")
    assert result.returncode == 0, result.stdout or result.stderr


def test_each_bundle_maps_back_to_its_sources() -> None:
    for name in BUNDLES:
        found = MAP.search((STATIC / name).read_text(encoding="utf-8"))
        assert found, f"{name} has no inline source map"
        source_map = json.loads(base64.b64decode(found.group(1)))
        sources = [(STATIC / source).resolve() for source in source_map["sources"]]
        assert sources and all(path.is_relative_to(JS / "src") for path in sources), sources
        for path, content in zip(sources, source_map["sourcesContent"], strict=True):
            assert path.read_text(encoding="utf-8") == content, f"{name}: {path} changed"


def test_widgets_load_their_bundles_from_watchable_paths() -> None:
    # anywidget reads a path and, with ANYWIDGET_HMR=1 outside site-packages, watches it.
    for widget, name in ((Annotator, "annotator"), (Reviewer, "review")):
        for trait, suffix in (("_esm", "js"), ("_css", "css")):
            value = getattr(widget, trait)
            path = Path(getattr(value, "_path", ""))
            assert path == STATIC / f"{name}.{suffix}", (widget.__name__, trait, value)
