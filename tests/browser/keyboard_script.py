"""A whole seed article annotated by keyboard alone, from its suggestions to done.

Shared by the browser test that checks what it saves (test_keyboard_only.py) and the bench that
times it (bench/bench_widget.py). The article is the seed "Putin says Russia will take Donbas
by force…" with four entity suggestions: "Vladimir Putin" (right), "Donbas" (PERSON: wrong,
a region), "India" (GPE: wrong, the outlet "India Today") and "Moscow" (right).
"""

from __future__ import annotations

from typing import Any

from tests.support.labserver import NotebookPage

ARTICLE = "6e2f5a79d01a0de2"
QUOTE = "“Either we take back these territories by force, or eventually Ukrainian troops withdraw,”"
CLAIM = "Russian forces now control some 85% of the Donbas."
COMMENT = "the headline overstates the interview"


class Keyboard:
    """Presses keys and types text on the page, counting every keystroke."""

    def __init__(self, nb: NotebookPage) -> None:
        self.nb = nb
        self.count = 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.nb.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.nb.page.keyboard.type(text)
        self.count += len(text)

    def settle(self) -> None:
        self.nb.settle()


def annotate_by_keyboard(nb: NotebookPage) -> int:
    """Annotate the article with keys only; returns the keystrokes it took."""
    k = Keyboard(nb)
    nb.focus()  # the annotator clicks into the widget once; from here on, only keys
    k.press("Escape", "g")
    k.type("Putin says Russia")
    k.settle()
    k.press("Enter")
    nb.page.wait_for_function(
        "(id) => [...document.querySelectorAll('[data-testid=\"annotator\"]')].pop()"
        ".dataset.docId === id",
        arg=ARTICLE,
    )
    # Suggestions: accept "Vladimir Putin" (Enter goes on to "Donbas"), make "Donbas" a LOC,
    # widen "India" to "India Today" and make it an ORG.
    k.press("e", "Tab", "Enter")
    k.press("4")  # LOC
    k.press("Tab")  # "India"
    k.press("Shift+ArrowRight", "2")  # "India Today", ORG
    # A span the model missed, found with / and marked with its label's key.
    k.press("/")
    k.type("Volodymyr Zelensky")
    k.press("Enter", "1")  # PERSON
    # The quote, its speaker and its cue, then the links: t Enter links the nearest candidate,
    # the next t Enter the next one.
    # / goes on from what it found last, so "Putin" and "told" are the ones after the quote.
    for layer, text in (("q", QUOTE), ("s", "Putin"), ("c", "told")):
        k.press(layer, "/")
        k.type(text)
        k.press("Enter", "1")  # DIRECT, SOURCE, CUE: each layer's first label
    k.press("q", "Tab", "t", "Enter", "t", "Enter")
    # A check-worthy claim and its attributes: i takes the keys to them.
    k.press("l", "/")
    k.type(CLAIM)
    k.press("Enter", "1")  # QUANTITY
    k.press("i", "Enter")  # checkworthy = yes
    k.press("Tab", "Tab", "Tab", "Space")  # past "no" and "unsure" to hedged, ticked
    k.press("Escape")
    k.settle()
    # Done: "Moscow" is still a suggestion, so the widget asks; Enter accepts what is shown.
    k.press("d")
    k.settle()
    k.press("Enter")
    nb.page.wait_for_function(
        "(id) => [...document.querySelectorAll('[data-testid=\"annotator\"]')].pop()"
        ".dataset.docId !== id",
        arg=ARTICLE,
    )
    # The next document is flagged with a comment, saved by Enter.
    k.press("f")
    k.type(COMMENT)
    k.press("Enter")
    k.settle()
    return k.count


def expected_spans() -> list[tuple[str, str, str, str]]:
    """(layer, label, text, origin) of what the script saves on the article."""
    return sorted(
        [
            ("entity", "PERSON", "Vladimir Putin", "suggested"),
            ("entity", "LOC", "Donbas", "edited"),
            ("entity", "ORG", "India Today", "edited"),
            ("entity", "GPE", "Moscow", "suggested"),
            ("entity", "PERSON", "Volodymyr Zelensky", "manual"),
            ("quote", "DIRECT", QUOTE, "manual"),
            ("source", "SOURCE", "Putin", "manual"),
            ("cue", "CUE", "told", "manual"),
            ("claim", "QUANTITY", CLAIM, "manual"),
        ]
    )


def saved(store: Any, annotator: str) -> list[tuple[str, str, str, str]]:
    mine = store.spans(doc_id=ARTICLE, annotator=annotator)
    return sorted((s.layer, s.label, s.text, s.origin) for s in mine)
