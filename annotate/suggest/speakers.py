"""Who speaks: the person or organisation a source mention refers to.

Annotators mark the mention as written (:mod:`.mentions`); the resolved name goes into
``attrs["speaker"]`` and the ``refers_to`` relation points at the entity span ("Vladimir Putin").

Resolution is a heuristic, not coreference: names are chained by surname ("Putin" continues
"Vladimir Putin"); a pronoun or a definite description ("he", "the Kremlin leader") takes the
nearest compatible person mentioned before it, preferring subjects; "he" and "she" keep apart
people whose gender a title or an earlier pronoun gave away. A generic role ("the leader") takes
the nearest person, a title ("the Ukrainian president") only someone introduced with it
("Ukrainian President Volodymyr Zelensky"); an indefinite one ("a spokesperson") nobody, nor
a plural one ("the officials") a single person. A definite description of an organisation ("the
company", "the influential US daily") takes the nearest organisation named before. A name
before its noun only modifies it: "the Trump campaign" is not Trump. "They" looks back to plural
subjects too ("Several nurses walked out ... They said"), "it" never to a nationality or party,
and a source nobody resolved is still an antecedent for a later pronoun. Antecedents inside
quotations, datelines and boilerplate paragraphs are skipped: "we" and "you" in a quotation are
the speaker's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lexicon import Lexicon
from .mentions import source_mention
from .parse_view import Layout, lemma

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Labels whose entities can speak: "the Élysée Palace said" is the French presidency.
_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "WORK_OF_ART"})
_GROUPS = frozenset({"ORG", "GPE", "NORP"})
_NAME_PARTS = frozenset({"compound", "appos", "flat", "nmod"})


@dataclass(frozen=True, slots=True)
class Resolution:
    speaker: str  # resolved name, or the mention as written when unresolved
    entity: tuple[int, int] | None  # token range of the entity span it refers to
    method: str  # name | pronoun | description | unresolved
    confidence: float
    detail: str


# --- resolution ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Chain:
    name: str
    label: str
    gender: str | None = None
    titles: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Candidate:
    token: int
    segment: int
    subject: bool
    chain: int
    entity: tuple[int, int] | None
    kind: str  # person | group | thing


class SpeakerResolver:
    """Resolves source mentions to names; call :meth:`resolve` in document order."""

    def __init__(
        self, doc: Doc, *, lexicon: Lexicon, lay: Layout, quoted: list[tuple[int, int]]
    ) -> None:
        self.doc = doc
        self.lexicon = lexicon
        self.lay = lay
        self.chains: list[_Chain] = []
        self.chain_of: dict[tuple[int, int], int] = {}  # entity token range -> chain
        self.candidates: list[_Candidate] = []
        self.surnames: dict[str, int] = {}  # last word of a person's name -> chain
        self.ents = list(doc.ents)
        self._build(quoted)

    # Chains of names, and the entity mentions a pronoun may point back to.
    def _build(self, quoted: list[tuple[int, int]]) -> None:
        by_key: dict[str, int] = {}
        surnames = self.surnames
        lay = self.lay
        for ent in self.ents:
            if ent.label_ not in _NAMED:
                continue
            if lay.is_boilerplate(ent.start) or lay.in_dateline(ent.start):
                continue  # "EDITOR'S NOTE", "FORT MYERS —": nobody who speaks in the article
            words = [t.text for t in ent if t.is_alpha or "-" in t.text]
            if not words:
                continue
            key = ent.text.lower().removeprefix("the ").strip()
            label = ent.label_
            title = words[0].lower().rstrip(".")
            if title in self.lexicon.person_titles and len(words) > 1:
                label = "PERSON"  # "Mrs Ella Stone" is a person whatever the NER said
            if label == "PERSON":
                chain_id = surnames.get(words[-1].lower())
            else:
                # "Trump" tagged ORG after "Donald Trump": a known surname is still the person.
                chain_id = surnames.get(key) if len(words) == 1 else None
                if chain_id is None:
                    chain_id = by_key.get(key)
            name = _clean_name(ent.text)
            if label == "PERSON" and title in self.lexicon.person_titles and len(words) > 1:
                name = name.split(" ", 1)[1]
            if chain_id is None:
                chain_id = len(self.chains)
                self.chains.append(_Chain(name=name, label=label))
            chain = self.chains[chain_id]
            if label == chain.label == "PERSON" and len(name) > len(chain.name):
                chain.name = name
            by_key[key] = chain_id
            if chain.label == "PERSON":
                surnames[words[-1].lower()] = chain_id
                chain.titles |= self._titles(ent.start, ent.root)
                if title in self.lexicon.person_titles:
                    chain.titles.add(title)
                if chain.gender is None:
                    chain.gender = self._gender(chain.titles)
            self.chain_of[(ent.start, ent.end)] = chain_id
            root = ent.root
            if any(lo <= root.i < hi for lo, hi in quoted):
                continue
            subject = root.dep_ in ("nsubj", "nsubjpass") or (
                root.dep_ in _NAME_PARTS and root.head.dep_ in ("nsubj", "nsubjpass")
            )
            if chain.label == "PERSON" or label == "PERSON":
                kind = "person"
            else:  # "Democrats said they ...": a nationality or party is a group, never "it"
                kind = "group" if label == "NORP" else "thing"
            self.candidates.append(
                _Candidate(
                    token=int(root.i),
                    segment=self.lay.seg_of[root.i],
                    subject=subject,
                    chain=chain_id,
                    entity=(ent.start, ent.end),
                    kind=kind,
                )
            )
        self._groups(quoted)

    def _groups(self, quoted: list[tuple[int, int]]) -> None:
        """Plural subjects that are no names ("Her advisers have spent months ..."): what a
        later "they" most often means."""
        tok, lay = self.lay.tok, self.lay
        in_entity = {i for ent in self.ents for i in range(ent.start, ent.end)}
        for i, dep in enumerate(tok.dep):
            if dep not in ("nsubj", "nsubjpass") or tok.tag[i] != "NNS" or i in in_entity:
                continue
            if lay.is_boilerplate(i) or any(lo <= i < hi for lo, hi in quoted):
                continue
            lo, hi = source_mention(self.doc, i, within=lay.segments[lay.seg_of[i]])
            name = " ".join(self.doc[lo:hi].text.split())
            self.candidates.append(
                _Candidate(i, lay.seg_of[i], True, self._chain(name, "GROUP"), None, "group")
            )

    def _chain(self, name: str, label: str) -> int:
        self.chains.append(_Chain(name=name, label=label))
        return len(self.chains) - 1

    def _titles(self, start: int, root: Token) -> set[str]:
        """Words a person is introduced with: "Ukrainian President ..." before the name,
        "..., the fire chief," set beside it."""
        titles: set[str] = set()
        for c in root.children:
            if c.dep_ == "appos" and c.ent_type_ != "PERSON":
                titles |= {t.lower_ for t in c.subtree if t.pos_ in ("NOUN", "PROPN", "ADJ")}
        j = start - 1
        while j >= 0:
            t = self.doc[j]
            if (
                t.pos_ not in ("PROPN", "NOUN", "ADJ")
                or t.ent_type_ == "PERSON"
                or t.dep_ == "poss"
            ):
                break
            titles.add(t.lower_)
            j -= 1
        return titles

    def _gender(self, titles: set[str]) -> str | None:
        if titles & self.lexicon.male_titles:
            return "m"
        if titles & self.lexicon.female_titles:
            return "f"
        return None

    def resolve(self, mention: tuple[int, int], head: int) -> Resolution:
        """Resolve the source mention ``mention`` (token range) whose head token is ``head``."""
        doc = self.doc
        text = doc[mention[0] : mention[1]].text
        h = doc[head]
        named = self._named_entity(mention, head)
        if named is not None:
            chain_id = self.chain_of[named]
            chain = self.chains[chain_id]
            res = Resolution(chain.name, named, "name", 0.9, f"names {chain.name}")
            self._remember(head, chain_id, named, "person" if chain.label == "PERSON" else "thing")
            return res
        pron = self.lexicon.pronouns.get(h.lower_) if h.pos_ == "PRON" else None
        if pron is not None:
            picked = self._pick(
                head, lambda c: self._fits_pronoun(c, pron.kind, pron.gender), set()
            )
            if picked is not None:
                chain = self.chains[picked.chain]
                if pron.gender and chain.gender is None:
                    chain.gender = pron.gender
                self._remember(head, picked.chain, picked.entity, picked.kind)
                where = "subject" if picked.subject else "mention"
                return Resolution(
                    chain.name,
                    picked.entity,
                    "pronoun",
                    0.6,
                    f"pronoun '{h.text}' resolved to the nearest preceding compatible {where}, "
                    f"{chain.name}",
                )
        elif self._definite_role(h, mention):
            words = {
                doc[j].lower_
                for j in range(mention[0], mention[1])
                if doc[j].pos_ in ("NOUN", "PROPN", "ADJ")
            }
            titled = lemma(h) in self.lexicon.titled_roles

            def fits(c: _Candidate) -> bool:
                # A title ("the president") must be one the person was introduced with.
                return c.kind == "person" and (
                    not titled or lemma(h) in self.chains[c.chain].titles
                )

            picked = self._pick(head, fits, words)
            # "Ukraine's ambassador to the US" introduces someone new unless a title matches.
            introduces = (
                any(c.dep_ == "prep" for c in h.children) or doc[mention[0]].lower_ != "the"
            )
            if picked is not None and introduces and not words & self.chains[picked.chain].titles:
                picked = None
            if picked is not None:
                chain = self.chains[picked.chain]
                self._remember(head, picked.chain, picked.entity, "person")
                return Resolution(
                    chain.name,
                    picked.entity,
                    "description",
                    0.5,
                    f"description '{text}' resolved to the nearest preceding "
                    f"{'person with that title' if titled else 'person'}, {chain.name}",
                )
        org = self._organisation(h, mention)
        if org is not None:
            chain = self.chains[org.chain]
            self._remember(head, org.chain, org.entity, "thing")
            return Resolution(
                chain.name,
                org.entity,
                "description",
                0.5,
                f"description '{text}' resolved to the nearest preceding organisation, "
                f"{chain.name}",
            )
        document = self._document_speaker(h, mention)
        if document is not None:
            chain = self.chains[document.chain]
            self._remember(head, document.chain, document.entity, document.kind)
            return Resolution(
                chain.name,
                document.entity,
                "description",
                0.5,
                f"'{text}' resolved to who made the {h.text} mentioned before, {chain.name}",
            )
        known = self.surnames.get(h.lower_) if h.pos_ == "PROPN" else None
        if known is not None:
            # A known surname the NER missed here ("..., Merz reportedly said").
            chain_id = known
            chain = self.chains[chain_id]
            earlier = [
                c.entity
                for c in self.candidates
                if c.chain == chain_id and c.token < head and c.entity
            ]
            entity = earlier[-1] if earlier else None
            self._remember(head, chain_id, entity, "person")
            return Resolution(
                chain.name, entity, "name", 0.8, f"surname of {chain.name}, named before"
            )
        # Unresolved, yet someone a later pronoun can mean: "Guard Jamal Hughes said ... “...,”
        # he said", "The report found ... It warned".
        name = " ".join(text.split())
        if h.tag_ in ("NNS", "NNPS"):
            kind = "group"
        elif h.pos_ == "PROPN" or lemma(h) in self.lexicon.roles:
            kind = "person"
        else:
            kind = "thing"
        if h.pos_ != "PRON":
            self._remember(head, self._chain(name, kind.upper()), None, kind)
        return Resolution(name, None, "unresolved", 0.4, "not resolved to a name")

    def _organisation(self, h: Token, mention: tuple[int, int]) -> _Candidate | None:
        """ "the influential US daily", "the company", "the ministry": a definite description
        of an organisation is the nearest one mentioned before, one whose name holds the noun
        ("the ministry" → "the commerce ministry") first."""
        if lemma(h) not in self.lexicon.org_roles or h.tag_ in ("NNS", "NNPS"):
            return None
        first = self.doc[mention[0]]
        if first.lower_ not in ("the", "this") or any(c.dep_ == "poss" for c in h.children):
            return None  # "a ministry", "Tran's office": someone new, or someone else's
        noun = lemma(h)

        def named_so(c: _Candidate) -> bool:
            return c.kind == "thing" and noun in self.chains[c.chain].name.lower().split()

        picked = self._pick(int(h.i), named_so, set())
        # A noun before the head names a new body ("the regional health office"); adjectives
        # and places only describe a known one ("the influential US daily").
        describes = all(
            c.pos_ in ("ADJ", "DET") or c.ent_type_ in ("GPE", "NORP")
            for c in h.children
            if c.i < h.i
        )
        if picked is None and describes:
            picked = self._pick(
                int(h.i), lambda c: c.kind == "thing" and self.chains[c.chain].label == "ORG", set()
            )
        return picked

    def _document_speaker(self, h: Token, mention: tuple[int, int]) -> _Candidate | None:
        """ "In a statement, the White House said ... “...,” the statement read": a definite
        speech-event noun is whoever spoke in the sentence that introduced it."""
        noun = lemma(h)
        if noun not in self.lexicon.statement_nouns or self.doc[mention[0]].lower_ != "the":
            return None
        seg = self.lay.seg_of[h.i]
        tok = self.lay.tok
        best: _Candidate | None = None
        for c in self.candidates:
            if c.token >= h.i or c.chain < 0 or not c.subject:
                continue
            if c.segment < seg - self.lexicon.antecedent_window:
                continue
            s0, s1 = self.lay.segments[c.segment]
            # "said in the release ... the statement continued": any speech-event noun
            spoke = any(w in self.lexicon.statement_nouns for w in tok.lemma[s0:s1])
            if spoke and (best is None or c.token > best.token):
                best = c
        return best

    def _remember(self, head: int, chain: int, entity: tuple[int, int] | None, kind: str) -> None:
        self.candidates.append(_Candidate(head, self.lay.seg_of[head], True, chain, entity, kind))

    def _named_entity(self, mention: tuple[int, int], head: int) -> tuple[int, int] | None:
        """The name the mention is about: the entity at its head, or a person's name set beside a
        title noun ("key negotiator Yuri Ushakov"); never a possessor ("Putin's adviser")."""
        doc = self.doc
        role = lemma(doc[head]) in self.lexicon.roles
        best: tuple[int, int] | None = None
        for ent in self.ents:
            if (
                ent.end <= mention[0]
                or ent.start >= mention[1]
                or (ent.start, ent.end) not in self.chain_of
            ):
                continue
            rng = (ent.start, ent.end)
            if ent.start <= head < ent.end:
                return rng
            root = ent.root
            if ent.label_ == "PERSON" and root.dep_ == "appos":
                best = best or rng  # "The mayor of Springfield, Jane Holloway"
            elif (
                root.head.i == head
                and root.dep_ in _NAME_PARTS
                and ent.start > head
                and (ent.label_ == "PERSON" or (not role and root.dep_ == "compound"))
            ):
                # "negotiator Yuri Ushakov"; a name before its noun only modifies it: "the
                # Trump campaign", "the US daily", "a Kremlin spokesman" are not Trump, the
                # US or the Kremlin.
                best = best or rng
        return best

    def _definite_role(self, h: Token, mention: tuple[int, int]) -> bool:
        # "the Kremlin leader", "Russia's president": definite, so someone already introduced.
        # "The officials" are several people, not the one person named before.
        if lemma(h) not in self.lexicon.roles or h.tag_ in ("NNS", "NNPS"):
            return False
        first = self.doc[mention[0]]
        return first.lower_ in ("the", "this", "that") or any(c.dep_ == "poss" for c in h.children)

    def _fits_pronoun(self, c: _Candidate, kind: str, gender: str | None) -> bool:
        if kind == "person":
            if c.kind != "person":
                return False
            own = self.chains[c.chain].gender if c.chain >= 0 else None
            return gender is None or own is None or own == gender
        if kind == "group":
            return c.kind == "group" or (c.chain >= 0 and self.chains[c.chain].label in _GROUPS)
        return c.kind == "thing"

    def _pick(
        self, head: int, accept: Callable[[_Candidate], bool], words: set[str]
    ) -> _Candidate | None:
        seg = self.lay.seg_of[head]
        window = self.lexicon.antecedent_window
        best: tuple[tuple[int, int, int, int], _Candidate] | None = None
        for c in self.candidates:
            if c.token >= head or c.segment < seg - window or c.chain < 0:
                continue
            if not accept(c):
                continue
            overlap = len(words & self.chains[c.chain].titles) if words else 0
            dist = seg - c.segment
            order = -c.token if dist == 0 else c.token
            key = (-overlap, dist, 0 if c.subject else 1, order)
            if best is None or key < best[0]:
                best = (key, c)
        return best[1] if best else None


def _clean_name(text: str) -> str:
    name = " ".join(text.split())
    for prefix in ("the ", "The "):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name
