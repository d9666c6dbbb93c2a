"""Quote rules on small synthetic texts: marks, cues, sources, speakers."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.suggest.lexicon import load_lexicon
from annotate.suggest.marks import pair_quote_marks
from annotate.suggest.parse_view import paragraphs

PAIRS = load_lexicon().quote_pairs


def pairs(text: str) -> list[str]:
    return [text[p.open : p.close + 1] for p in pair_quote_marks(text, pairs=PAIRS)]


# --- pairing marks, on text alone ---------------------------------------------------------


def test_pairs_curly_and_straight() -> None:
    text = 'He said “yes” and she said "no" twice.'
    assert pairs(text) == ["“yes”", '"no"']


def test_unbalanced_opening_mark_is_dropped_not_paired_across_paragraphs() -> None:
    text = "“This is never closed, he said.\n\nLater she called it “fine”."
    assert pairs(text) == ["“fine”"]


def test_stray_closing_mark_is_ignored() -> None:
    text = "It was over” he said. Then “it began” again."
    assert pairs(text) == ["“it began”"]


def test_second_opening_mark_discards_the_first() -> None:
    text = "“One “two” three."
    assert pairs(text) == ["“two”"]


def test_straight_marks_told_apart_by_context() -> None:
    text = 'She called it "a mess", and "we will fix it," he said.'
    assert pairs(text) == ['"a mess"', '"we will fix it,"']


def test_newspaper_continuation_runs_across_paragraphs() -> None:
    text = "He said: “We will fight.\n\n“And we will win,” he added.\n\nNext."
    found = pair_quote_marks(text, pairs=PAIRS)
    assert [text[p.open : p.close + 1] for p in found] == ["“We will fight.\n\n“And we will win,”"]
    assert found[0].continued


def test_paragraphs_prefer_blank_lines() -> None:
    assert len(paragraphs("a\nb\n\nc")) == 2
    assert len(paragraphs("a\nb\nc")) == 3


@pytest.mark.parametrize(
    "text",
    ["", "“", "”", '"', "“”", "\n\n“\n\n”", '"""', "“a\n\n“b\n\n“c", "He said ” “ “ ” ” x"],
)
def test_pairing_never_crashes(text: str) -> None:
    for p in pair_quote_marks(text, pairs=PAIRS):
        assert 0 <= p.open < p.close < len(text)


# --- direct quotes --------------------------------------------------------------------------


def test_straight_direct_quote_with_cue_after(suggest: Any) -> None:
    v = suggest('"We have no choice but to close the plant," the company told investors.')
    quote = v.find("quote", '"We have no choice but to close the plant,"')
    assert quote.label == "DIRECT"
    assert v.of(v.tail(quote, "cue")) == "told"
    assert v.of(v.tail(quote, "said_by")) == "the company"
    assert quote.attrs["addressee"] == "investors"


def test_inverted_said_x(suggest: Any) -> None:
    v = suggest("“The bridge will reopen in March,” said Maria Lopez, the transport minister.")
    quote = v.find("quote", "“The bridge will reopen in March,”")
    assert quote.label == "DIRECT"
    assert v.of(v.tail(quote, "cue")) == "said"
    source = v.tail(quote, "said_by")
    assert v.of(source).startswith("Maria Lopez")
    assert source.attrs["speaker"] == "Maria Lopez"


def test_cue_before_with_colon(suggest: Any) -> None:
    v = suggest("The coach told reporters after the match: “We were simply not good enough today.”")
    quote = v.find("quote", "“We were simply not good enough today.”")
    assert quote.label == "DIRECT"
    assert v.of(v.tail(quote, "cue")) == "told"
    assert v.of(v.tail(quote, "said_by")) == "The coach"


def test_cueless_paragraph_inherits_previous_speaker(suggest: Any) -> None:
    text = (
        "Health minister Anna Berg announced the plan on Friday.\n\n"
        "“We will hire 5,000 nurses,” Berg said.\n\n"
        "“Nobody should wait months for an operation.”\n\n"
        "The opposition was not convinced."
    )
    v = suggest(text)
    first = v.find("quote", "“We will hire 5,000 nurses,”")
    second = v.find("quote", "“Nobody should wait months for an operation.”")
    assert second.label == "DIRECT"
    assert v.tails(second, "cue") == []
    assert v.tail(second, "said_by") == v.tail(first, "said_by")
    assert v.tail(second, "said_by").attrs["speaker"] == "Anna Berg"
    assert "previous quote" in second.attrs["reason"]


def test_cueless_quote_far_from_any_quote_has_no_speaker(suggest: Any) -> None:
    text = (
        "The storm hit the coast overnight.\n\nRoads were closed.\n\nSchools stayed shut.\n\n"
        "“Stay at home if you can.”"
    )
    v = suggest(text)
    quote = v.find("quote", "“Stay at home if you can.”")
    assert v.tails(quote, "said_by") == []


def test_unbalanced_marks_make_no_wrong_quote(suggest: Any) -> None:
    text = "“This is a disgrace, said the union leader.\n\nWorkers later called the deal “fair”."
    v = suggest(text)
    assert not [q for q in v.layer("quote") if "\n" in v.of(q)]
    assert not [q for q in v.layer("quote") if v.of(q).startswith("“This")]


def test_scare_quotes_are_not_quotes(suggest: Any) -> None:
    v = suggest(
        "The so-called “peace dividend” never arrived. Officials launched “Operation Clean "
        "Sweep” in May. The “experts” disagreed."
    )
    assert v.layer("quote") == []


def test_fragment_in_indirect_speech_makes_a_mixed_quote(suggest: Any) -> None:
    v = suggest("The governor said the response had been “far too slow” and promised an inquiry.")
    quote = v.containing("quote", "“far too slow”")[0]
    assert quote.label == "MIXED"
    assert v.of(quote).startswith("the response had been")
    assert v.tail(quote, "said_by").attrs["speaker"] == "The governor"


# --- indirect quotes --------------------------------------------------------------------------


def test_indirect_said_that(suggest: Any) -> None:
    v = suggest("The airline said that all flights would resume on Tuesday.")
    quote = v.find("quote", "all flights would resume on Tuesday")
    assert quote.label == "INDIRECT"
    assert v.of(v.tail(quote, "cue")) == "said"
    assert v.of(v.tail(quote, "said_by")) == "The airline"


def test_according_to(suggest: Any) -> None:
    v = suggest("According to the health ministry, 40 people were treated in hospital.")
    quote = v.find("quote", "40 people were treated in hospital")
    assert quote.label == "INDIRECT"
    assert v.of(v.tail(quote, "cue")) == "According to"
    assert v.of(v.tail(quote, "said_by")) == "the health ministry"


def test_according_to_at_the_end(suggest: Any) -> None:
    v = suggest("The fire started in the kitchen, according to local police.")
    quote = v.find("quote", "The fire started in the kitchen")
    assert v.of(v.tail(quote, "said_by")) == "local police"


def test_has_ruled_out(suggest: Any) -> None:
    v = suggest("Prime Minister Lena Holm has ruled out raising the retirement age.")
    quote = v.find("quote", "raising the retirement age")
    assert quote.label == "INDIRECT"
    assert v.of(v.tail(quote, "cue")) == "ruled out"
    source = v.tail(quote, "said_by")
    assert v.of(source) == "Prime Minister Lena Holm"
    assert source.attrs["speaker"] == "Lena Holm"


def test_cue_excludes_auxiliaries(suggest: Any) -> None:
    v = suggest("The central bank has warned that inflation could stay high for years.")
    quote = v.find("quote", "inflation could stay high for years")
    assert v.of(v.tail(quote, "cue")) == "warned"


def test_participle_clause_is_cut_from_the_content(suggest: Any) -> None:
    v = suggest("The union has said the strike will go ahead, rejecting the latest offer.")
    quote = v.find("quote", "the strike will go ahead")
    assert v.of(v.tail(quote, "said_by")) == "The union"


def test_quoted_as_saying(suggest: Any) -> None:
    v = suggest("The general was quoted as saying: “The war will be over by Christmas.”")
    quote = v.find("quote", "“The war will be over by Christmas.”")
    assert v.of(v.tail(quote, "cue")) == "quoted as saying"
    assert v.of(v.tail(quote, "said_by")) == "The general"


def test_speech_inside_a_quotation_is_not_a_separate_quote(suggest: Any) -> None:
    v = suggest("“At first we said that we would wait,” the minister told the BBC.")
    assert len(v.layer("quote")) == 1


# --- speakers -------------------------------------------------------------------------------


def test_pronoun_prefers_the_previous_subject(suggest: Any) -> None:
    text = (
        "Senator Paul Grant met Sarah Kim in Boston on Monday.\n\n"
        "“The talks went well,” he told reporters."
    )
    v = suggest(text)
    source = v.find("source", "he")
    assert source.attrs["speaker"] == "Paul Grant"
    assert v.of(v.tail(source, "refers_to")) == "Paul Grant"


def test_gender_keeps_he_and_she_apart(suggest: Any) -> None:
    text = "Mr Tom Reed and Mrs Ella Stone signed the contract.\n\n“It is a fair deal,” she said."
    v = suggest(text)
    assert v.find("source", "she").attrs["speaker"] == "Ella Stone"


def test_surname_continues_the_full_name(suggest: Any) -> None:
    text = (
        "Finance Minister Karl Weber presented the budget.\n\n"
        "“There will be no new taxes,” Weber said."
    )
    v = suggest(text)
    source = v.find("source", "Weber")
    assert source.attrs["speaker"] == "Karl Weber"


def test_indefinite_description_is_not_resolved(suggest: Any) -> None:
    text = "Mayor John Park opened the bridge.\n\nA spokesperson said the bridge was safe."
    v = suggest(text)
    source = v.find("source", "A spokesperson")
    assert source.attrs["speaker"] == "A spokesperson"
    assert v.tails(source, "refers_to") == []


def test_the_statement_is_who_made_it(suggest: Any) -> None:
    text = (
        "In a statement, the Red Cross said: “Our teams reached the village at dawn.”\n\n"
        "“More help is on the way,” the statement read."
    )
    v = suggest(text)
    source = v.find("source", "the statement")
    assert source.attrs["speaker"] == "Red Cross"


def test_a_title_needs_a_person_introduced_with_it(suggest: Any) -> None:
    text = (
        "Fire chief Dan Ortiz inspected the site.\n\n"
        "The prime minister said the government would pay for the repairs."
    )
    v = suggest(text)
    assert v.find("source", "The prime minister").attrs["speaker"] == "The prime minister"


def test_inverted_subject_is_not_the_addressee(suggest: Any) -> None:
    v = suggest("“Is this the end of the road for the project?” asked Ortiz.")
    quote = v.layer("quote")[0]
    assert quote.attrs["addressee"] is None
    assert v.of(v.tail(quote, "said_by")) == "Ortiz"


def test_a_full_stop_ends_the_quotation_sentence(suggest: Any) -> None:
    text = "Lena Holm met the unions on Monday.\n\n“It is over.” He said he would resign in May."
    v = suggest(text)
    quote = v.find("quote", "“It is over.”")
    assert v.tails(quote, "cue") == []
    assert v.find("quote", "he would resign in May").label == "INDIRECT"


def test_question_mark_quote_takes_the_cue_after(suggest: Any) -> None:
    v = suggest("“Why should we pay for their mistakes?” Holm asked.")
    quote = v.find("quote", "“Why should we pay for their mistakes?”")
    assert v.of(v.tail(quote, "cue")) == "asked"


def test_quotation_running_over_two_paragraphs_is_one_quote(suggest: Any) -> None:
    text = (
        "“The defence was brilliant from the first minute.\n\n"
        "“We kept our shape and we scored when it mattered,” coach Emma Diaz said."
    )
    v = suggest(text)
    quotes = v.layer("quote")
    assert [v.of(q) for q in quotes] == [text[: text.index(" coach")]]
    assert quotes[0].label == "DIRECT"
    assert v.tail(quotes[0], "said_by").attrs["speaker"] == "Emma Diaz"
