"""The cycle collector is paused for a block and comes back as it was, error or not."""

from __future__ import annotations

import gc

import pytest

from annotate.core.collector import collector_paused


def test_the_collector_pauses_and_resumes() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_blocks_on_two_threads_leave_the_collector_as_they_found_it() -> None:
    import threading

    entered = threading.Event()
    leave = threading.Event()

    def other() -> None:
        with collector_paused():
            entered.set()
            leave.wait()

    thread = threading.Thread(target=other)
    with collector_paused():
        thread.start()
        entered.wait()
    assert not gc.isenabled()  # the other thread's block has not ended
    leave.set()
    thread.join()
    assert gc.isenabled()
