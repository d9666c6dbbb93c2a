"""Run the `annotate` command's main() in the test process, as a user would see it."""

from __future__ import annotations

import pytest

from annotate.cli import main


def run_main(args: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit status and everything written to stdout and stderr (at the file descriptors, so
    nothing printed by a library escapes)."""
    capfd.readouterr()
    try:
        main(args)
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capfd.readouterr()
    return status, captured.out + captured.err


def one_error_line(output: str, code: str) -> None:
    """The output is one red error line with ``code`` and no traceback."""
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    assert errors[0].startswith(f"error: [{code}]"), output
    assert "Traceback" not in output and 'File "' not in output, output
