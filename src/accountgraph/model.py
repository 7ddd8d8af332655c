"""The domain of an accountability framework: parties, cited edges, duties and paths.

Pure data: nothing here reads files, talks to a database or knows about GraphQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Languages every name and text is expected in; ``en`` is the fallback."""

FALLBACK_LANGUAGE = "en"


class PartyKind(StrEnum):
    """What sort of party a node is."""

    OFFICE = "office"
    ROLE = "role"
    GROUP = "group"
    GOVERNMENT = "government"
    BODY = "body"
    UNIT = "unit"

    @property
    def label(self) -> str:
        """The second Neo4j label of this kind: ``Actor`` or ``Body``."""
        return "Body" if self in (PartyKind.BODY, PartyKind.UNIT) else "Actor"


class Relation(StrEnum):
    """Relationship types, read left to right: ``(a)-[:RELATION]->(b)``."""

    ACCOUNTABLE_TO = "ACCOUNTABLE_TO"
    REPORTS_TO = "REPORTS_TO"
    MEMBER_OF = "MEMBER_OF"
    CHAIRS = "CHAIRS"
    ADVISES = "ADVISES"
    APPOINTS = "APPOINTS"
    DESIGNATES = "DESIGNATES"
    DELEGATES_TO = "DELEGATES_TO"
    SERVES_AS = "SERVES_AS"
    LIAISES_WITH = "LIAISES_WITH"
    TECHNICAL_LINK = "TECHNICAL_LINK"
    SUPPORTS = "SUPPORTS"
    MANAGES = "MANAGES"
    ESTABLISHES = "ESTABLISHES"
    CONVENES = "CONVENES"
    RECOMMENDS_TO = "RECOMMENDS_TO"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    COORDINATES = "COORDINATES"
    RESPONSIBLE_FOR_SECURITY_OF = "RESPONSIBLE_FOR_SECURITY_OF"
    PART_OF = "PART_OF"
    """A group included in a wider one: what the wider group is owed applies to it too."""

    @property
    def phrase(self) -> str:
        """The relation as English words: ``ACCOUNTABLE_TO`` -> ``accountable to``."""
        return self.value.lower().replace("_", " ")


class Direction(StrEnum):
    """Which edges of a party: those leaving it, those arriving, or both."""

    OUT = "OUT"
    IN = "IN"
    BOTH = "BOTH"


@dataclass(frozen=True, slots=True)
class Text:
    """A text in several languages, e.g. ``Text({"zh": "总干事", "en": "Director General"})``."""

    values: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def get(self, lang: str = FALLBACK_LANGUAGE) -> str | None:
        """The text in ``lang``, else in English, else in any language it has."""
        if lang in self.values:
            return self.values[lang]
        if FALLBACK_LANGUAGE in self.values:
            return self.values[FALLBACK_LANGUAGE]
        return next(iter(self.values.values()), None)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.values.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and dict(self.values) == dict(other.values)

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a statement comes from: ``A/46/11``, section ``III.A.1``, and the clause's text."""

    document: str
    section: str
    text: Text | None = None


@dataclass(frozen=True, slots=True)
class Validity:
    """The dates between which a party or edge takes part in the graph (both inclusive).

    ``None`` at either end means open: valid since always, or still valid.
    """

    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def holds_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


ALWAYS = Validity()

Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Fact:
    """A property the document states about a party rather than a relation, with its source.

    ``value`` is a scalar so every store can keep it as it is.
    """

    name: str
    value: Scalar
    citation: Citation
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """A node: an office, role, group, government, body or unit."""

    id: str
    kind: PartyKind
    name: Text
    aliases: tuple[str, ...] = ()
    description: Text | None = None
    facts: tuple[Fact, ...] = ()
    apex: bool = False
    """Declared by the dataset to answer to no one modelled in it (e.g. the Member States)."""
    apex_reason: Text | None = None
    """Why the dataset declares the party apex, for auditors."""
    validity: Validity = ALWAYS
    name_in_source: bool = True
    """Whether the party's name in the source's language is the source's own words;
    ``False`` for a name the dataset had to coin (``name_note`` says why)."""
    name_note: Text | None = None
    """Where the party's names come from, when a reader could take them for the source's."""

    def fact(self, name: str) -> Fact | None:
        return next((f for f in self.facts if f.name == name), None)


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed, cited relation ``source -[relation]-> target``.

    One edge may rest on several clauses; ``citation`` is the first, the primary one.
    ``scope`` qualifies delegations (``security``); ``note`` records an interpretation.
    """

    source: str
    relation: Relation
    target: str
    citations: tuple[Citation, ...]
    scope: str | None = None
    note: Text | None = None
    validity: Validity = ALWAYS

    @property
    def citation(self) -> Citation:
        return self.citations[0]

    @property
    def key(self) -> tuple[str, Relation, str, str | None]:
        """What makes an edge unique in a dataset."""
        return (self.source, self.relation, self.target, self.scope)

    def other_end(self, party_id: str) -> str:
        return self.target if party_id == self.source else self.source


@dataclass(frozen=True, slots=True)
class Responsibility:
    """A duty the document lays on a party; ``code`` is its section, e.g. ``III.A.3(f)``."""

    code: str
    holder: str
    text: Text
    document: str
    note: Text | None = None
    validity: Validity = ALWAYS
    """The days the duty is laid on its holder: a change set can add or retire a duty;
    a dataset file's duties hold as long as their holder does."""

    @property
    def citation(self) -> Citation:
        return Citation(self.document, self.code, self.text)


@dataclass(frozen=True, slots=True)
class Path:
    """A walk through the graph: ``nodes[i] -edges[i]- nodes[i+1]``."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]

    def __post_init__(self) -> None:
        if len(self.nodes) != len(self.edges) + 1:
            raise ValueError("a path has one node more than it has edges")

    @property
    def length(self) -> int:
        return len(self.edges)

    @property
    def start(self) -> str:
        return self.nodes[0]

    @property
    def end(self) -> str:
        return self.nodes[-1]


@dataclass(frozen=True, slots=True)
class Document:
    """The source document a dataset models, and the sections it has (to check citations).

    ``in_force`` is the day the framework took effect: a dataset file's parties and edges
    that give no ``valid_from`` take part from then (the loader dates them so).
    """

    symbol: str
    title: Text
    sections: tuple[str, ...]
    date: dt.date | None = None
    facts: tuple[Fact, ...] = ()
    in_force: dt.date | None = None
    in_force_basis: Text | None = None
    """Why ``in_force`` is that day, when the source does not say it: an assumption the
    dataset declares and the audit shows."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """A whole framework: its document, parties, edges and duties, validated."""

    name: str
    title: Text
    document: Document
    parties: tuple[Party, ...]
    edges: tuple[Edge, ...]
    responsibilities: tuple[Responsibility, ...]
    _by_id: Mapping[str, Party] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({p.id: p for p in self.parties}))

    def party(self, party_id: str) -> Party | None:
        return self._by_id.get(party_id)

    def as_of(self, day: dt.date) -> Dataset:
        """The dataset as it stood on ``day``: parties and edges valid then, and edges
        only between parties valid then. Duties stay, so a duty whose holder is gone shows.
        """
        parties = tuple(p for p in self.parties if p.validity.holds_on(day))
        present = {p.id for p in parties}
        edges = tuple(
            e
            for e in self.edges
            if e.validity.holds_on(day) and e.source in present and e.target in present
        )
        return Dataset(self.name, self.title, self.document, parties, edges, self.responsibilities)

    @property
    def party_ids(self) -> Iterable[str]:
        return self._by_id.keys()
