"""The word lists behind the suggestion rules, read from TOML.

The rules in :mod:`quotes`, :mod:`speakers`, :mod:`claims` and :mod:`entities` are syntax; every
word they look for comes from a :class:`Lexicon`. ``lexicon.toml`` beside this module is the
default for English news; :func:`load_lexicon` reads another file in the same shape.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import AnnotateError

Phrase = tuple[str, ...]

CLAIM_TYPES = ("QUANTITY", "COMPARISON", "CHANGE", "PREDICTION", "CAUSAL", "RULE", "OTHER")


@dataclass(frozen=True, slots=True)
class Pronoun:
    kind: str  # person | group | thing
    gender: str | None = None  # m | f | None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every word list the rules use, as frozen sets and phrase tuples."""

    reporting_verbs: frozenset[str]
    direct_only_verbs: frozenset[str]
    # lemma -> second words ("" when the content is the direct object): rule -> ("out",)
    object_complement: dict[str, frozenset[str]]
    object_stop: frozenset[str]
    object_prepositions: frozenset[str]
    xcomp_heads: frozenset[str]
    not_speakers: frozenset[str]
    addressee_verbs: frozenset[str]
    passive_frames: frozenset[str]
    prepositional_cues: tuple[Phrase, ...]
    statement_nouns: frozenset[str]
    thought_label: str
    thought_verbs: frozenset[str]
    thought_object: frozenset[str]
    dateline: re.Pattern[str] | None
    boilerplate_openers: tuple[str, ...]
    credits: tuple[re.Pattern[str], ...]
    credit_max_words: int
    quote_pairs: tuple[tuple[str, str], ...]
    naming_words: tuple[Phrase, ...]
    title_nouns: frozenset[str]
    fragment_max_words: int
    cue_window_after: int
    pronouns: dict[str, Pronoun]
    person_roles: frozenset[str]
    titled_roles: frozenset[str]
    org_roles: frozenset[str]
    male_titles: frozenset[str]
    female_titles: frozenset[str]
    neutral_titles: frozenset[str]
    antecedent_window: int
    numeric_hedges: tuple[Phrase, ...]
    hedges: tuple[Phrase, ...]
    prediction_modals: frozenset[str]
    prediction_frames: tuple[Phrase, ...]
    prediction_verbs: frozenset[str]
    would_exclusions: frozenset[str]
    causal: tuple[Phrase, ...]
    change: frozenset[str]
    comparison: tuple[Phrase, ...]
    rule: tuple[Phrase, ...]
    months: frozenset[str]
    figure_labels: frozenset[str]
    claim_priority: tuple[str, ...]
    entity_label_map: dict[str, str]

    @property
    def roles(self) -> frozenset[str]:
        return self.person_roles | self.titled_roles

    @property
    def person_titles(self) -> frozenset[str]:
        return self.male_titles | self.female_titles | self.neutral_titles

    @property
    def cue_verbs(self) -> frozenset[str]:
        """Every lemma that can be a reporting verb in some rule."""
        return self.reporting_verbs | self.direct_only_verbs | frozenset(self.object_complement)


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a lexicon file; ``None`` gives the shipped default (read once, then cached).

    Raises :class:`~annotate.errors.AnnotateError` ``E203`` when the file is missing or not in
    the expected shape.
    """
    if path is None:
        return _default_lexicon()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AnnotateError("E203", path=str(path), detail=exc.strerror or str(exc)) from exc
    return parse_lexicon(text, origin=str(path))


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    text = resources.files("annotate.suggest").joinpath("lexicon.toml").read_text("utf-8")
    return parse_lexicon(text, origin="annotate/suggest/lexicon.toml")


def parse_lexicon(text: str, *, origin: str = "<lexicon>") -> Lexicon:
    """Build a :class:`Lexicon` from TOML text; ``origin`` names it in error messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AnnotateError("E203", path=origin, detail=str(exc)) from exc
    try:
        return _build(raw)
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise AnnotateError("E203", path=origin, detail=detail) from exc


def _words(section: dict[str, Any], key: str) -> list[str]:
    value = section[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key!r} must be a list of non-empty strings")
    return [v.strip().lower() for v in value]


def _phrases(section: dict[str, Any], key: str) -> tuple[Phrase, ...]:
    # Longest first, so "because of" is tried before "because".
    phrases = {tuple(v.split()) for v in _words(section, key)}
    return tuple(sorted(phrases, key=lambda p: (-len(p), p)))


def _pattern(value: Any, key: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key!r} must hold regular expressions as strings")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ValueError(f"{key!r}: {value!r} is not a regular expression ({exc})") from None


def _int(section: dict[str, Any], key: str) -> int:
    value = section[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{key!r} must be a non-negative integer")
    return value


def _build(raw: dict[str, Any]) -> Lexicon:
    rep, quo, spk, clm = raw["reporting"], raw["quotes"], raw["speakers"], raw["claims"]
    ent = raw.get("entities", {})
    # Optional, so a lexicon copied before thought attributions existed still loads.
    tht = raw.get("thought", {"label": "THOUGHT", "verbs": [], "object_complement": []})
    thought_label = tht.get("label", "THOUGHT")
    if not isinstance(thought_label, str) or not thought_label.strip():
        raise ValueError("'thought.label' must be a label name")
    layout = raw.get("layout", {})
    dateline = _pattern(layout["dateline"], "dateline") if "dateline" in layout else None
    boiler = raw.get("boilerplate", {"openers": [], "credits": [], "credit_max_words": 0})
    credits = tuple(_pattern(v, "credits") for v in boiler["credits"])

    object_complement: dict[str, set[str]] = {}
    for entry in _words(rep, "object_complement"):
        lemma, _, second = entry.partition(" ")
        object_complement.setdefault(lemma, set()).add(second.strip())

    pairs = []
    for pair in quo["pairs"]:
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(m, str) and len(m) == 1 for m in pair)
        ):
            raise ValueError("'pairs' must be a list of [opening, closing] single characters")
        pairs.append((pair[0], pair[1]))

    pronouns: dict[str, Pronoun] = {}
    for entry in spk["pronouns"]:
        kind = entry["kind"]
        if kind not in ("person", "group", "thing"):
            raise ValueError(f"pronoun {entry.get('word')!r}: kind must be person, group or thing")
        gender = entry.get("gender")
        if gender not in (None, "m", "f"):
            raise ValueError(f"pronoun {entry['word']!r}: gender must be m or f")
        pronouns[str(entry["word"]).lower()] = Pronoun(kind=kind, gender=gender)

    priority = tuple(v.upper() for v in _words(clm, "priority"))
    unknown = sorted(set(priority) - set(CLAIM_TYPES))
    if unknown or set(priority) != set(CLAIM_TYPES):
        raise ValueError(f"'priority' must list each of {', '.join(CLAIM_TYPES)} once")

    label_map = ent.get("label_map", {})
    if not isinstance(label_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in label_map.items()
    ):
        raise ValueError("'entities.label_map' must map spaCy labels to labels")

    return Lexicon(
        reporting_verbs=frozenset(_words(rep, "verbs")),
        direct_only_verbs=frozenset(_words(rep, "direct_only")),
        object_complement={k: frozenset(v) for k, v in object_complement.items()},
        object_stop=frozenset(_words(rep, "object_stop") if "object_stop" in rep else ()),
        object_prepositions=frozenset(
            _words(rep, "object_prepositions") if "object_prepositions" in rep else ()
        ),
        xcomp_heads=frozenset(_words(rep, "xcomp_heads") if "xcomp_heads" in rep else ()),
        not_speakers=frozenset(_words(rep, "not_speakers") if "not_speakers" in rep else ()),
        addressee_verbs=frozenset(_words(rep, "addressee_verbs")),
        passive_frames=frozenset(_words(rep, "passive_frames")),
        prepositional_cues=_phrases(rep, "prepositional"),
        statement_nouns=frozenset(_words(rep, "statement_nouns")),
        thought_label=thought_label.strip(),
        thought_verbs=frozenset(_words(tht, "verbs")),
        thought_object=frozenset(_words(tht, "object_complement")),
        dateline=dateline,
        boilerplate_openers=tuple(_words(boiler, "openers")),
        credits=credits,
        credit_max_words=_int(boiler, "credit_max_words"),
        quote_pairs=tuple(pairs),
        naming_words=_phrases(quo, "naming_words"),
        title_nouns=frozenset(_words(quo, "title_nouns") if "title_nouns" in quo else ()),
        fragment_max_words=_int(quo, "fragment_max_words"),
        cue_window_after=_int(quo, "cue_window_after"),
        pronouns=pronouns,
        person_roles=frozenset(_words(spk, "person_roles")),
        titled_roles=frozenset(_words(spk, "titled_roles")),
        org_roles=frozenset(_words(spk, "org_roles") if "org_roles" in spk else ()),
        male_titles=frozenset(_words(spk, "male_titles")),
        female_titles=frozenset(_words(spk, "female_titles")),
        neutral_titles=frozenset(_words(spk, "neutral_titles")),
        antecedent_window=_int(spk, "antecedent_window"),
        numeric_hedges=_phrases(clm, "numeric_hedges"),
        hedges=_phrases(clm, "hedges"),
        prediction_modals=frozenset(_words(clm, "prediction_modals")),
        prediction_frames=_phrases(clm, "prediction_frames"),
        prediction_verbs=frozenset(_words(clm, "prediction_verbs")),
        would_exclusions=frozenset(_words(clm, "would_exclusions")),
        causal=_phrases(clm, "causal"),
        change=frozenset(_words(clm, "change")),
        comparison=_phrases(clm, "comparison"),
        rule=_phrases(clm, "rule"),
        months=frozenset(_words(clm, "months")),
        figure_labels=frozenset(v.upper() for v in _words(clm, "figure_labels")),
        claim_priority=priority,
        entity_label_map={k.upper(): v.upper() for k, v in label_map.items()},
    )
