"""Hypothesis strategies for small valid datasets: every part of the format, used at random."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from accountgraph.model import (
    ALWAYS,
    Citation,
    Dataset,
    Document,
    Edge,
    Fact,
    Party,
    PartyKind,
    Relation,
    Responsibility,
    Text,
    Validity,
)
from accountgraph.rules import check_rules

SYMBOL = "A/46/11"
SECTIONS = ("preamble 1", "I(a)", "II", "III.A.1", "III.A.3(f)", "9")
LANGUAGES = ("en", "zh", "fr", "zh-Hant")
IDS = ("member-states", "sg", "usg-2", "dg", "wipo-sscs", "a", "b-1-c", "x9")

# Text a dataset may hold: no control characters, surrogates or line separators (which
# YAML would read as line breaks), nothing empty.
words = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff\x85"),
    min_size=1,
    max_size=12,
)
plain_words = st.sampled_from(["Director General", "SG", "yes", "12", "1.5", "null", "a: b"])
some_words = st.one_of(words, plain_words)


@st.composite
def texts(draw: st.DrawFn) -> Text:
    others = draw(st.lists(st.sampled_from(LANGUAGES[1:]), unique=True, max_size=2))
    return Text({lang: draw(some_words) for lang in ("en", *others)})


days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))


@st.composite
def validities(draw: st.DrawFn, in_force: dt.date | None) -> Validity:
    start = draw(st.none() | days)
    end = draw(st.none() | days)
    if start is not None and end is not None and start > end:
        start, end = end, start
    if start is None and end is not None and in_force is not None and end < in_force:
        start = end
    if start is None:
        start = in_force
    return ALWAYS if start is None and end is None else Validity(start, end)


citations = st.builds(
    Citation,
    st.sampled_from([SYMBOL, SYMBOL, "A/46/12"]),
    st.sampled_from(SECTIONS),
    texts(),
)
scalars = st.one_of(
    some_words,
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)
facts = st.builds(
    Fact,
    st.sampled_from(["rank", "pages", "held_by", "since_2008"]),
    scalars,
    citations,
    st.none() | texts(),
)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    in_force = draw(st.none() | days)
    document = Document(
        symbol=SYMBOL,
        title=draw(texts()),
        sections=SECTIONS,
        date=draw(st.none() | days),
        facts=tuple(draw(st.lists(facts, max_size=2))),
        in_force=in_force,
        in_force_basis=draw(st.none() | texts()) if in_force else None,
    )
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=6, unique=True))
    parties = tuple(
        Party(
            id=party_id,
            kind=draw(st.sampled_from(PartyKind)),
            name=draw(texts()),
            aliases=tuple(draw(st.lists(some_words, max_size=2))),
            description=draw(st.none() | texts()),
            facts=tuple(draw(st.lists(facts, max_size=2))),
            apex=draw(st.booleans()),
            apex_reason=draw(st.none() | texts()),
            validity=draw(validities(in_force)),
            name_in_source=draw(st.booleans()),
            name_note=draw(st.none() | texts()),
        )
        for party_id in ids
    )
    edges: dict[tuple[str, Relation, str, str | None], Edge] = {}
    held = {party.id: party.validity for party in parties}
    if len(ids) > 1:
        for _ in range(draw(st.integers(0, 8))):
            source, target = draw(st.permutations(ids))[:2]
            relation = draw(st.sampled_from(Relation))
            scope = draw(st.sampled_from([None, None, "security", "day-to-day"]))
            validity = _within(draw(validities(in_force)), held[source], held[target])
            if validity is None:
                continue
            edge = Edge(
                source,
                relation,
                target,
                tuple(draw(st.lists(citations, min_size=1, max_size=3))),
                scope,
                draw(st.none() | texts()),
                validity,
            )
            edges.setdefault(edge.key, edge)
    duties: dict[tuple[str, str], Responsibility] = {}
    for _ in range(draw(st.integers(0, 3))):
        code, holder = draw(st.sampled_from(SECTIONS)), draw(st.sampled_from(ids))
        note = draw(st.none() | texts())
        duties.setdefault((code, holder), Responsibility(code, holder, draw(texts()), SYMBOL, note))
    return _keeping_the_rules(
        Dataset(
            name=draw(st.sampled_from(["test-framework", "a", "wipo-a46-11"])),
            title=draw(texts()),
            document=document,
            parties=parties,
            edges=tuple(edges.values()),
            responsibilities=tuple(duties.values()),
        )
    )


def _within(validity: Validity, *ends: Validity) -> Validity | None:
    """``validity`` cut to the days both ends of the edge take part, as the rule book has
    it; ``None`` if they share none."""
    starts = [v.valid_from for v in (validity, *ends) if v.valid_from is not None]
    stops = [v.valid_to for v in (validity, *ends) if v.valid_to is not None]
    start, end = max(starts, default=None), min(stops, default=None)
    if start is not None and end is not None and start > end:
        return None
    return ALWAYS if start is None and end is None else Validity(start, end)


def _keeping_the_rules(dataset: Dataset) -> Dataset:
    """``dataset`` without the edges the rule book refuses: random edges make cycles and
    delegations outside the line of accountability."""
    while violations := check_rules(dataset):
        refused = {key for violation in violations for key in violation.edges}
        edges = tuple(
            e
            for e in dataset.edges
            if (e.source, e.relation.value, e.target, e.scope) not in refused
        )
        dataset = Dataset(
            dataset.name,
            dataset.title,
            dataset.document,
            dataset.parties,
            edges,
            dataset.responsibilities,
        )
    return dataset
