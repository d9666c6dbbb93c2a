"""Quote patterns of real news, on sentences written in several outlets' styles.

Each test names the pattern it covers; together they cover what attribution on news nobody
tuned for used to miss or get wrong: reporting verbs and nouns, colon and "according to"
cues, verbs with a noun-phrase object, thought and stance verbs, quotes interrupted by their
cue and quotes of several sentences, boilerplate, and speaker resolution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from annotate.core.scheme import Scheme
from annotate.suggest.engine import suggest_doc

from .conftest import View

WITH_THOUGHT = ("DIRECT", "INDIRECT", "MIXED", "THOUGHT")


def attribution(v: View, quote_text: str) -> tuple[str, str | None, str | None]:
    """(label, cue text, source text) of the quote covering exactly ``quote_text``."""
    quote = v.find("quote", quote_text)
    cues = v.tails(quote, "cue")
    sources = v.tails(quote, "said_by")
    return (
        quote.label,
        v.of(cues[0]) if cues else None,
        v.of(sources[0]) if sources else None,
    )


# --- reporting verbs the lexicon lacked -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content", "cue", "source"),
    [
        # Reuters: a document as the source
        (
            "A draft of the report shows the agency missed its own deadlines twice.",
            "the agency missed its own deadlines twice",
            "shows",
            "A draft of the report",
        ),
        # local paper: court records
        (
            "Court records showed that the couple had owed back taxes since 2019.",
            "the couple had owed back taxes since 2019",
            "showed",
            "Court records",
        ),
        # NYT: a ruling
        (
            "The judge ruled that the county's map diluted the votes of Black residents.",
            "the county's map diluted the votes of Black residents",
            "ruled",
            "The judge",
        ),
    ],
)
def test_document_and_ruling_verbs(
    suggest: Callable[[str], View], text: str, content: str, cue: str, source: str
) -> None:
    assert attribution(suggest(text), content) == ("INDIRECT", cue, source)


def test_exclaimed_after_the_quote(suggest: Callable[[str], View]) -> None:
    # Fox style: straight quotes, an exclamation, the cue before its subject
    v = suggest('"Get those trucks moving!" exclaimed the foreman as the rain picked up.')
    assert attribution(v, '"Get those trucks moving!"') == ("DIRECT", "exclaimed", "the foreman")


def test_wrote_before_its_subject(suggest: Callable[[str], View]) -> None:
    # a wire rewrite of an editorial
    v = suggest(
        "“The council has lost the trust of the people it serves,” wrote The Courier in an "
        "editorial on Monday."
    )
    label, cue, source = attribution(v, "“The council has lost the trust of the people it serves,”")
    assert (label, cue, source) == ("DIRECT", "wrote", "The Courier")


# --- noun and colon cues ------------------------------------------------------------------------


def test_according_to_takes_the_whole_clause_and_stops_at_the_paragraph(
    suggest: Callable[[str], View],
) -> None:
    # AP style, the clause ending in "a.m." so no full stop closes the sentence
    text = (
        "According to the fire department, the blaze started in a storage room shortly after "
        "3 a.m.\n\nIt said no one was inside."
    )
    v = suggest(text)
    content = "the blaze started in a storage room shortly after 3 a.m."
    assert attribution(v, content) == ("INDIRECT", "According to", "the fire department")


def test_verbless_statement_before_a_colon(suggest: Callable[[str], View]) -> None:
    # local paper: no verb at all between the speaker and the quotation
    v = suggest(
        'Tenants were furious. The Maple Court Tenants Association, in a statement: "We were '
        'told nothing until the water was shut off."'
    )
    quote = '"We were told nothing until the water was shut off."'
    source = "The Maple Court Tenants Association"
    assert attribution(v, quote) == ("DIRECT", "in a statement", source)


def test_the_report_said_after_the_content(suggest: Callable[[str], View]) -> None:
    # Guardian style
    v = suggest("Hospital admissions for asthma rose by a fifth in two years, the report said.")
    content = "Hospital admissions for asthma rose by a fifth in two years"
    assert attribution(v, content) == ("INDIRECT", "said", "the report")


def test_said_in_a_statement_with_a_colon(suggest: Callable[[str], View]) -> None:
    v = suggest("The airline said in a statement: “Safety is and will remain our first priority.”")
    quote = "“Safety is and will remain our first priority.”"
    assert attribution(v, quote) == ("DIRECT", "said", "The airline")


# --- a listed verb with a noun-phrase object ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content", "cue", "source"),
    [
        (
            "An extremist group has claimed responsibility for the attack on the pipeline.",
            "responsibility for the attack on the pipeline",
            "claimed",
            "An extremist group",
        ),
        (
            "The coast guard confirmed the deaths of two fishermen on Saturday.",
            "the deaths of two fishermen",
            "confirmed",
            "The coast guard",
        ),
        (
            "Opposition leaders called for an independent inquiry into the contract.",
            "an independent inquiry into the contract",
            "called for",
            "Opposition leaders",
        ),
        (
            "The mayor urged residents to conserve water through the weekend.",
            "residents to conserve water through the weekend",
            "urged",
            "The mayor",
        ),
    ],
)
def test_noun_phrase_objects(
    suggest: Callable[[str], View], text: str, content: str, cue: str, source: str
) -> None:
    assert attribution(suggest(text), content) == ("INDIRECT", cue, source)


@pytest.mark.parametrize(
    "text",
    [
        "The storm claimed the lives of three hikers near the summit.",
        "The Senate confirmed the nominee by a vote of 52 to 48.",
        "The mayor asked reporters a question of her own.",
    ],
)
def test_an_object_that_makes_the_verb_an_action_is_no_quote(
    suggest: Callable[[str], View], text: str
) -> None:
    assert suggest(text).layer("quote") == []


# --- thought and stance verbs --------------------------------------------------------------------


def test_thought_attributions_only_when_the_scheme_has_the_label(nlp: Any) -> None:
    text = (
        "Economists expect the central bank to cut rates in June. Many traders believe the "
        "cut will come sooner."
    )
    labels = Scheme.default().layer("entity").label_names
    speech = View(text, suggest_doc(nlp(text), entity_labels=labels))
    assert speech.layer("quote") == []
    both = View(text, suggest_doc(nlp(text), entity_labels=labels, quote_labels=WITH_THOUGHT))
    assert attribution(both, "the central bank to cut rates in June") == (
        "THOUGHT",
        "expect",
        "Economists",
    )
    assert attribution(both, "the cut will come sooner") == ("THOUGHT", "believe", "Many traders")
    assert "thought attribution" in both.find("quote", "the cut will come sooner").attrs["reason"]


def test_thought_verbs_inside_a_quotation_stay_the_speakers(nlp: Any) -> None:
    text = "“I think we can win this district,” the candidate said."
    labels = Scheme.default().layer("entity").label_names
    v = View(text, suggest_doc(nlp(text), entity_labels=labels, quote_labels=WITH_THOUGHT))
    assert [q.label for q in v.layer("quote")] == ["DIRECT"]


# --- quotes interrupted by their cue, and quotes of several sentences -----------------------------


@pytest.mark.parametrize(
    ("text", "first", "second", "cue", "source"),
    [
        # AP: the cue in the middle of one sentence
        (
            '"We have enough beds for tonight," said Carla Diaz, who runs the shelter, "but not '
            'for a cold snap."',
            '"We have enough beds for tonight,"',
            '"but not for a cold snap."',
            "said",
            "Carla Diaz",
        ),
        # NYT: a second sentence right after the attribution
        (
            "“It is a good first step,” Mr. Ortega said on Friday. “Nobody should mistake it for "
            "the last one.”",
            "“It is a good first step,”",
            "“Nobody should mistake it for the last one.”",
            "said",
            "Mr. Ortega",
        ),
        # Guardian: a one-word second part
        (
            "“If the water reaches the second step,” the warden told villagers, “go.”",
            "“If the water reaches the second step,”",
            "“go.”",
            "told",
            "the warden",
        ),
    ],
)
def test_both_parts_of_an_interrupted_quote_get_cue_and_source(
    suggest: Callable[[str], View], text: str, first: str, second: str, cue: str, source: str
) -> None:
    v = suggest(text)
    assert attribution(v, first) == ("DIRECT", cue, source)
    assert attribution(v, second) == ("DIRECT", cue, source)


def test_a_quote_with_its_own_cue_keeps_it(suggest: Callable[[str], View]) -> None:
    v = suggest("“We are ready,” the captain said. “So are we,” the coach added.")
    assert attribution(v, "“So are we,”") == ("DIRECT", "added", "the coach")


def test_a_quotation_in_the_next_paragraph_takes_the_speaker_but_not_the_cue(
    suggest: Callable[[str], View],
) -> None:
    v = suggest("“We are ready,” the captain said.\n\n“Nobody here is afraid of the weather.”")
    label, cue, source = attribution(v, "“Nobody here is afraid of the weather.”")
    assert (label, cue, source) == ("DIRECT", None, "the captain")


def test_several_sentences_and_an_apposition_before_the_cue(
    suggest: Callable[[str], View],
) -> None:
    # Reuters: a long apposition between the quotation and its cue
    text = (
        '"The numbers do not add up. They never did," Priya Nair, a budget analyst at the '
        "Institute for Fiscal Studies, told Reuters."
    )
    v = suggest(text)
    quote = '"The numbers do not add up. They never did,"'
    assert attribution(v, quote) == ("DIRECT", "told", "Priya Nair")
    assert len(v.layer("quote")) == 1


def test_coordinated_reporting_verbs_are_two_quotes_of_one_speaker(
    suggest: Callable[[str], View],
) -> None:
    text = (
        "Senator Jo Park said the bill had too many loopholes and warned that donors would "
        "exploit them."
    )
    v = suggest(text)
    assert attribution(v, "the bill had too many loopholes") == (
        "INDIRECT",
        "said",
        "Senator Jo Park",
    )
    assert attribution(v, "donors would exploit them") == ("INDIRECT", "warned", "Senator Jo Park")


def test_a_negated_reporting_verb_attributes_nothing(suggest: Callable[[str], View]) -> None:
    v = suggest("The memo does not say who approved the payments.")
    assert v.layer("quote") == []


# --- boilerplate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "EDITOR'S NOTE — This story is part of an occasional series that shows how small towns "
        'are coping with the loss of their newspapers, "News Deserts."',
        "Correction: An earlier version of this story said unemployment rose 5% in May.",
        "Maria Gomez reports for The Desert Sun. Reach her at mgomez@desertsun.com.",
        "Associated Press writer Tom Hale contributed to this report.",
        "Fox News' Anna Bell contributed to this report.",
    ],
)
def test_boilerplate_paragraphs_hold_no_quotes(
    suggest: Callable[[str], View], paragraph: str
) -> None:
    text = f"The mayor said the library would reopen in May.\n\n{paragraph}"
    v = suggest(text)
    assert [v.of(q) for q in v.layer("quote")] == ["the library would reopen in May"]
    assert not [c for c in v.layer("claim") if c.start > text.index(paragraph)]


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        # AP: a subtitle in apposition to the author
        (
            'Dana Lee, author of "Running Dry: how the West spent its water," says the drought '
            "exposed decades of bad planning.",
            "the drought exposed decades of bad planning",
            "Dana Lee",
        ),
        # a review: the title first, the book described after it
        (
            '"Running Dry: how the West spent its water," the new book by Dana Lee, argues that '
            "the drought exposed bad planning.",
            "the drought exposed bad planning",
            "the new book by Dana Lee",
        ),
    ],
)
def test_a_book_title_is_no_quote(
    suggest: Callable[[str], View], text: str, content: str, source: str
) -> None:
    v = suggest(text)
    assert [v.of(q) for q in v.layer("quote")] == [content]
    assert v.of(v.tail(v.layer("quote")[0], "said_by")) == source


def test_a_quoted_title_is_not_a_verbs_complement(suggest: Callable[[str], View]) -> None:
    v = suggest('Dana Lee wrote the memoir "We were never told the truth" after her brother died.')
    assert v.layer("quote") == []


def test_a_clause_about_the_speaker_before_the_cue(suggest: Callable[[str], View]) -> None:
    v = suggest('"We need a new approach," the report, published by the Urban Institute, said.')
    assert attribution(v, '"We need a new approach,"') == ("DIRECT", "said", "the report")


def test_a_dateline_is_neither_content_nor_speaker(suggest: Callable[[str], View]) -> None:
    text = (
        "BOISE, Idaho (AP) — The state health department said Monday that measles cases had "
        "doubled since March."
    )
    v = suggest(text)
    assert attribution(v, "measles cases had doubled since March") == (
        "INDIRECT",
        "said",
        "The state health department",
    )


# --- speaker resolution ---------------------------------------------------------------------------


def test_a_newspaper_description_is_the_newspaper(suggest: Callable[[str], View]) -> None:
    text = (
        "The Chicago Tribune first reported the settlement on Sunday.\n\n"
        "The influential US daily said the city had paid $4 million."
    )
    v = suggest(text)
    source = v.find("source", "The influential US daily")
    assert source.attrs["speaker"] == "Chicago Tribune"


def test_a_campaign_is_not_its_candidate(suggest: Callable[[str], View]) -> None:
    text = (
        "Gov. Ann Harper spoke to farmers in Iowa on Saturday.\n\n"
        "The Harper campaign said it had raised $12 million in May."
    )
    v = suggest(text)
    source = v.find("source", "The Harper campaign")
    assert source.attrs["speaker"] == "The Harper campaign"
    assert v.tails(source, "refers_to") == []


def test_it_is_never_a_party_adjective(suggest: Callable[[str], View]) -> None:
    text = (
        "Democratic officials in the state filed the lawsuit on Tuesday. It said the new rules "
        "violated state law."
    )
    v = suggest(text)
    source = v.find("source", "It")
    assert source.attrs["speaker"] == "It"  # nobody it could be; "Democratic" is no one
    assert v.tails(source, "refers_to") == []


def test_it_is_the_organisation_named_before(suggest: Callable[[str], View]) -> None:
    text = (
        "The Republican National Committee filed the lawsuit on Tuesday.\n\n"
        "It said the new rules violated state law."
    )
    v = suggest(text)
    assert v.find("source", "It").attrs["speaker"] == "Republican National Committee"


def test_they_is_the_plural_subject_before(suggest: Callable[[str], View]) -> None:
    text = (
        "Several nurses walked out of the meeting early.\n\n"
        "They said staffing levels had not improved since the spring."
    )
    v = suggest(text)
    assert v.find("source", "They").attrs["speaker"] == "Several nurses"


def test_he_skips_a_name_the_ner_missed_for_the_one_it_found(
    suggest: Callable[[str], View],
) -> None:
    text = (
        "Coach Ana Silva praised her defence.\n\n"
        "Forward Kofi Mensah, who scored twice, said the team had finally clicked.\n\n"
        "“We trusted each other,” he said."
    )
    v = suggest(text)
    speaker = v.find("source", "he").attrs["speaker"]
    assert "Mensah" in speaker


def test_a_correction_is_no_claim_of_the_article(suggest: Callable[[str], View]) -> None:
    text = (
        "Unemployment rose to 4.1% in June.\n\n"
        "Correction: Unemployment rose 5% in May, not 6% as first reported."
    )
    v = suggest(text)
    assert [v.of(c) for c in v.layer("claim")] == ["Unemployment rose to 4.1% in June."]


def test_according_to_after_coordinated_clauses_takes_them_all(
    suggest: Callable[[str], View],
) -> None:
    # Reuters style: the phrase at the end, hung by the parser on the last conjunct
    text = (
        "The carmaker lost $2 billion last year and laid off 3,000 workers, according to the "
        "filing."
    )
    v = suggest(text)
    content = "The carmaker lost $2 billion last year and laid off 3,000 workers"
    assert attribution(v, content) == ("INDIRECT", "according to", "the filing")


@pytest.mark.parametrize(
    "text",
    [
        "Police found the missing hiker alive on Sunday.",
        "A map released by the agency shows the flood zone reaching Main Street.",
        "The museum will show works by 40 artists when it reopens in June.",
    ],
)
def test_finding_and_showing_things_is_no_quote(suggest: Callable[[str], View], text: str) -> None:
    # writer's prose with the new reporting verbs: no clause was said, nothing is attributed
    assert suggest(text).layer("quote") == []
