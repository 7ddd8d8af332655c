"""The model of a dataset, built item by item as a fast reader hands the items over.

A fast reader (:mod:`.yaml_fast`, :mod:`.bulk`) gives the builder the plain values of a
dataset: the head (``format``, ``name``, ``title``, ``document``) and each party, edge and
responsibility as soon as it is read, so that no reader holds the whole file's values at
once. The builder checks every rule of the format (``graph/dataset.schema.json``) and
every rule beyond it (:mod:`.checks`) as it goes, each in constant time, and keeps
nothing but the model. It does not say what is wrong: at the first doubt it raises
:class:`FastPathDoubt`, and the careful path reads the file again to find every problem
with its line. Rules that need what comes later (an edge before the parties it joins)
are checked in :meth:`DatasetBuilder.finish`.

Equal values share one object (citations, dates, validity, scopes, the id strings edges
name), which keeps a million parties' model small.
"""

from __future__ import annotations

import datetime as dt
import gc
import operator
import re
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from itertools import chain, repeat
from types import MappingProxyType
from typing import Any

from accountgraph.dataset.checks import dataset_schema, days_overlap
from accountgraph.dataset.instances import instances
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
from accountgraph.rules import FORMAT_RULES, check_rules

ITEM_SECTIONS = ("parties", "edges", "responsibilities")
"""The lists of a dataset, which a reader hands over item by item."""
HEAD_KEYS = ("format", "name", "title", "document")
"""The rest of a dataset, handed over whole."""


class FastPathDoubt(Exception):
    """The fast path cannot vouch for the input: the careful path must read it again."""


def _schema_parts() -> dict[str, Any]:
    schema = dataset_schema()
    defs = schema["$defs"]
    items = {name: schema["properties"][name]["items"] for name in ITEM_SECTIONS}
    return {
        "format": schema["properties"]["format"]["const"],
        "id": re.compile(defs["id"]["pattern"]),
        "id_max": defs["id"]["maxLength"],
        "lang": re.compile(next(iter(defs["text"]["patternProperties"]))),
        "date": re.compile(defs["date"]["pattern"]),
        "fact_name": re.compile(defs["fact"]["properties"]["name"]["pattern"]),
        "kinds": items["parties"]["properties"]["kind"]["enum"],
        "relations": items["edges"]["properties"]["relation"]["enum"],
        "keys": {name: frozenset(items[name]["properties"]) for name in ITEM_SECTIONS},
        "document": frozenset(schema["properties"]["document"]["properties"]),
        "citation": frozenset(defs["citation"]["properties"]),
        "fact": frozenset(defs["fact"]["properties"]),
    }


_SCHEMA = _schema_parts()
_FORMAT: str = _SCHEMA["format"]
_ID: re.Pattern[str] = _SCHEMA["id"]
_ID_MAX: int = _SCHEMA["id_max"]
_LANG: re.Pattern[str] = _SCHEMA["lang"]
_DATE: re.Pattern[str] = _SCHEMA["date"]
_FACT_NAME: re.Pattern[str] = _SCHEMA["fact_name"]
_KINDS = {kind: PartyKind(kind) for kind in _SCHEMA["kinds"]}
_RELATIONS = {relation: Relation(relation) for relation in _SCHEMA["relations"]}
_PARTY_KEYS: frozenset[str] = _SCHEMA["keys"]["parties"]
_EDGE_KEYS: frozenset[str] = _SCHEMA["keys"]["edges"]
_DUTY_KEYS: frozenset[str] = _SCHEMA["keys"]["responsibilities"]
_DOCUMENT_KEYS: frozenset[str] = _SCHEMA["document"]
_CITATION_KEYS: frozenset[str] = _SCHEMA["citation"]
_FACT_KEYS: frozenset[str] = _SCHEMA["fact"]
_REQUIRED = frozenset(("format", "name", "title", "document", "parties", "edges"))
_NO_VALUE = object()
_MOST_REMEMBERED = 10_000
"""Edges alike (:meth:`DatasetBuilder.add_edge`) whose checked rest the builder keeps."""
_EdgeRest = tuple[str, Relation, "str | None", "tuple[Citation, ...]", "Text | None", Validity]


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a dataset is built: the millions of objects it makes
    hold no cycles, and each full collection would walk all of them again.

    Nor after, for a large one: the objects it left (more than :data:`_FEW_OBJECTS`) are
    moved to the collector's permanent generation (:func:`gc.freeze`). Else the first
    collections after would walk them all, young as they are, once for each generation
    (seconds for a million parties), and again at the interpreter's exit. They are still
    freed when no longer referred to."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > _FEW_OBJECTS:
            gc.freeze()
        if enabled:
            gc.enable()


_FEW_OBJECTS = 200_000
"""Objects left by a build that a collection walks in well under a tenth of a second."""


def _doubt() -> FastPathDoubt:
    return FastPathDoubt()


class DatasetBuilder:
    """Collects a dataset's parts in any order and gives its model, or raises
    :class:`FastPathDoubt` at the first thing it cannot vouch for.

    ``allow_missing_holders`` lets duties whose holder is not a party through, and
    ``enforce_rules=False`` a dataset that breaks a rule of the rule book beyond the
    format's own, as :func:`accountgraph.dataset.load_dataset` does.
    """

    def __init__(self, *, allow_missing_holders: bool = False, enforce_rules: bool = True) -> None:
        self._allow_missing_holders = allow_missing_holders
        self._enforce_rules = enforce_rules
        self._seen: set[str] = set()
        self._head: dict[str, Any] = {}
        self._document: Document | None = None
        self._symbol = ""
        self._sections: frozenset[str] = frozenset()
        self._in_force: dt.date | None = None
        self._pending: list[tuple[str, Any]] = []
        """Items read before the document, whose citations and dates need it."""
        self._parties: list[Party] = []
        self._ids: dict[str, str] = {}
        self._parties_done = False
        self._edges: list[Edge] = []
        self._edge_keys: set[int] = set()
        self._ends_unchecked = False
        self._duties: list[Responsibility] = []
        self._duty_keys: set[tuple[str, str]] = set()
        self._repeated_duties = False
        """Whether a holder has a duty twice, which may be on days apart."""
        self._holders_unchecked = False
        self._dates: dict[str, dt.date] = {}
        self._validities: dict[tuple[dt.date | None, dt.date | None], Validity] = {}
        self._citations: dict[tuple[Any, ...], Citation] = {}
        self._cite_lists: dict[int | tuple[int, ...], tuple[Citation, ...]] = {}
        self._scopes: dict[str, str] = {}
        self._rests: dict[Hashable, _EdgeRest] = {}
        self._langs: set[str] = set()
        self._adders: dict[str, Callable[[Any], None]] = {
            "parties": self._party,
            "edges": self._edge,
            "responsibilities": self._responsibility,
        }

    # --- what readers call ------------------------------------------------------------

    def head(self, key: str, value: Any) -> None:
        """One of :data:`HEAD_KEYS` and its whole value; any other key is a doubt."""
        if key in self._seen or key not in HEAD_KEYS:
            raise _doubt()
        self._seen.add(key)
        if key == "format":
            if value != _FORMAT or type(value) is not str:
                raise _doubt()
        elif key == "name":
            self._id(value)
        elif key == "title":
            self._text(value)
        else:
            self._read_document(value)
        self._head[key] = value

    def start(self, section: str) -> None:
        """The list ``section`` (one of :data:`ITEM_SECTIONS`) begins."""
        if section in self._seen or section not in ITEM_SECTIONS:
            raise _doubt()
        self._seen.add(section)

    def add(self, section: str, item: Any) -> None:
        """The next item of the list ``section``."""
        if self._document is None:
            self._pending.append((section, item))
        else:
            self._adders[section](item)

    def end(self, section: str) -> None:
        """The list ``section`` is complete."""
        if section == "parties":
            if self._document is None:
                self._pending.append(("end", section))
            else:
                self._parties_done = True

    def finish(self) -> Dataset:
        """The model of everything handed over, once every rule holds."""
        if not self._seen >= _REQUIRED or self._document is None:
            raise _doubt()
        if self._ends_unchecked:
            ids = self._ids
            for edge in self._edges:
                if edge.source not in ids or edge.target not in ids:
                    raise _doubt()
        if self._holders_unchecked:
            for duty in self._duties:
                if duty.holder not in self._ids:
                    raise _doubt()
        if self._repeated_duties and _duties_share_days(self._duties):
            raise _doubt()
        head = self._head
        dataset = Dataset(
            name=head["name"],
            title=Text(head["title"]),
            document=self._document,
            parties=tuple(self._parties),
            edges=tuple(self._edges),
            responsibilities=tuple(self._duties),
        )
        # The careful path says which rule is broken, and where.
        if self._enforce_rules and check_rules(dataset, skip=FORMAT_RULES):
            raise _doubt()
        return dataset

    # --- the head ---------------------------------------------------------------------

    def _read_document(self, doc: Any) -> None:
        if type(doc) is not dict or not doc.keys() <= _DOCUMENT_KEYS:
            raise _doubt()
        symbol = doc.get("symbol")
        sections = doc.get("sections")
        if type(symbol) is not str or not symbol or type(sections) is not list or not sections:
            raise _doubt()
        for section in sections:
            if type(section) is not str or not section:
                raise _doubt()
        if len(set(sections)) != len(sections):
            raise _doubt()
        self._symbol, self._sections = symbol, frozenset(sections)
        in_force = self._optional_date(doc, "in_force")
        self._in_force = in_force
        self._document = Document(
            symbol=symbol,
            title=self._text(doc.get("title")),
            sections=tuple(sections),
            date=self._optional_date(doc, "date"),
            facts=self._facts(doc),
            in_force=in_force,
            in_force_basis=self._optional_text(doc, "in_force_basis"),
        )
        pending, self._pending = self._pending, []
        for section, item in pending:
            if section == "end":
                self._parties_done = True
            else:
                self._adders[section](item)

    # --- items ------------------------------------------------------------------------

    def _party(self, item: Any) -> None:
        if type(item) is not dict or not item.keys() <= _PARTY_KEYS:
            raise _doubt()
        party_id = self._id(item.get("id"))
        kind = item.get("kind")
        if type(kind) is not str or kind not in _KINDS or party_id in self._ids:
            raise _doubt()
        name = self._text(item.get("name"))
        self._ids[party_id] = party_id
        if len(item) == 3:
            self._parties.append(Party(party_id, _KINDS[kind], name, validity=self._validity()))
            return
        aliases = item.get("aliases", ())
        if aliases != ():
            if type(aliases) is not list:
                raise _doubt()
            for alias in aliases:
                if type(alias) is not str or not alias:
                    raise _doubt()
            aliases = tuple(aliases)
        party = Party(
            id=party_id,
            kind=_KINDS[kind],
            name=name,
            aliases=aliases,
            description=self._optional_text(item, "description"),
            facts=self._facts(item),
            apex=self._flag(item, "apex", False),
            apex_reason=self._optional_text(item, "apex_reason"),
            validity=self._validity(item),
            name_in_source=self._flag(item, "name_in_source", True),
            name_note=self._optional_text(item, "name_note"),
        )
        self._parties.append(party)

    def add_parties(
        self, ids: list[Any], kinds: list[Any], names: list[Any], apexes: list[Any]
    ) -> None:
        """The next parties, given column-wise, that have nothing but an id, a kind, a
        name and whether they are apex: each column checked at once."""
        if self._document is None:
            raise _doubt()
        count = len(ids)
        if not count:
            return
        if len(kinds) != count or len(names) != count or len(apexes) != count:
            raise _doubt()
        if set(map(type, ids)) != {str} or max(map(len, ids)) > _ID_MAX:
            raise _doubt()
        if not all(map(_ID.search, ids)) or not set(kinds) <= _KINDS.keys():
            raise _doubt()
        if set(map(type, names)) != {dict} or not all(map(operator.contains, names, repeat("en"))):
            raise _doubt()
        texts = list(chain.from_iterable(map(dict.values, names)))
        if set(map(type, texts)) != {str} or not all(texts):
            raise _doubt()
        del texts
        langs = set(chain.from_iterable(names)) - self._langs
        if langs:
            if not all(map(_LANG.search, langs)):
                raise _doubt()
            self._langs |= langs
        if not set(map(type, apexes)) <= {bool}:
            raise _doubt()
        known = self._ids
        before = len(known)
        known.update(zip(ids, ids, strict=True))
        if len(known) - before != count:  # an id twice
            raise _doubt()
        values = list(map(MappingProxyType, map(dict, names)))  # as Text does: its own copy
        self._parties += instances(
            Party,
            count,
            {
                "id": ids,
                "kind": list(map(_KINDS.__getitem__, kinds)),
                "name": instances(Text, count, {"values": values}),
                "apex": apexes,
                "validity": repeat(self._validity()),
            },
        )

    def _edge(self, item: Any) -> None:
        if type(item) is not dict:
            raise _doubt()
        rest = dict(item)
        source, target = rest.pop("from", None), rest.pop("to", None)
        self._add_edge(source, target, self._edge_rest(rest))

    def add_edges(
        self,
        sources: list[str],
        targets: list[str],
        rest_keys: list[Hashable],
        rest: Callable[[Hashable], dict[str, Any]],
    ) -> None:
        """The next edges, given column-wise: their ends (as text) and the rest of each
        item, which ``rest(key)`` gives, the same for every edge of the same key, so that
        edges alike are checked once (the CSV reader's key is a row's cells but the ends)."""
        if self._document is None:
            raise _doubt()
        if not sources:
            return
        if set(map(type, sources)) != {str} or set(map(type, targets)) != {str}:
            raise _doubt()
        known = self._rests
        prepared: list[Any] = list(map(known.get, rest_keys))
        if None in prepared:
            for index, found in enumerate(prepared):
                if found is None:
                    key = rest_keys[index]
                    found = known.get(key) or self._edge_rest(rest(key))
                    if len(known) < _MOST_REMEMBERED:
                        known[key] = found
                    prepared[index] = found
        if self._parties_done:
            known_id = self._ids.get
            found = list(map(known_id, sources)), list(map(known_id, targets))
            if None in found[0] or None in found[1]:
                raise _doubt()
            sources, targets = found  # type: ignore[assignment]
        else:
            for end in (*sources, *targets):
                self._id(end)
            self._ends_unchecked = True
        if any(map(operator.eq, sources, targets)):
            raise _doubt()
        written, relations, scopes, citations, notes, validities = zip(*prepared, strict=True)
        keys = self._edge_keys
        before = len(keys)
        keys.update(map(hash, zip(sources, written, targets, scopes, strict=True)))
        if len(keys) - before != len(sources):  # duplicates, or (seldom) keys of one hash
            raise _doubt()
        self._edges += instances(
            Edge,
            len(sources),
            {
                "source": sources,
                "relation": relations,
                "target": targets,
                "citations": citations,
                "scope": scopes,
                "note": notes,
                "validity": validities,
            },
        )

    def _edge_rest(self, rest: dict[str, Any]) -> _EdgeRest:
        """Everything of an edge item but its ends, checked."""
        if not rest.keys() <= _EDGE_KEYS or "from" in rest or "to" in rest:
            raise _doubt()
        relation = rest.get("relation")
        if type(relation) is not str or relation not in _RELATIONS:
            raise _doubt()
        scope = rest.get("scope")
        if scope is not None or "scope" in rest:
            if type(scope) is not str or not scope:
                raise _doubt()
            scope = self._scopes.setdefault(scope, scope)
        citations = self._cite_list(rest.get("cite"))
        note = self._optional_text(rest, "note")
        return relation, _RELATIONS[relation], scope, citations, note, self._validity(rest)

    def _add_edge(self, source: Any, target: Any, rest: _EdgeRest) -> None:
        if type(source) is not str or type(target) is not str or source == target:
            raise _doubt()
        if self._parties_done:
            ids = self._ids
            source, target = ids.get(source), ids.get(target)
            if source is None or target is None:
                raise _doubt()
        else:
            self._id(source)
            self._id(target)
            self._ends_unchecked = True
        written, relation, scope, citations, note, validity = rest
        key = hash((source, written, target, scope))
        if key in self._edge_keys:  # a duplicate, or (seldom) two keys of one hash
            raise _doubt()
        self._edge_keys.add(key)
        self._edges.append(Edge(source, relation, target, citations, scope, note, validity))

    def _responsibility(self, item: Any) -> None:
        if type(item) is not dict or not item.keys() <= _DUTY_KEYS:
            raise _doubt()
        code: Any = item.get("code")
        holder: Any = item.get("holder")
        if type(code) is not str or code not in self._sections:
            raise _doubt()
        if self._parties_done and not self._allow_missing_holders:
            known = self._ids.get(holder) if type(holder) is str else None
            if known is None:
                raise _doubt()
            holder = known
        else:
            self._id(holder)
            self._holders_unchecked = not self._allow_missing_holders
        if (code, holder) in self._duty_keys:
            self._repeated_duties = True
        self._duty_keys.add((code, holder))
        text = self._text(item.get("text"))
        note = self._optional_text(item, "note")
        validity = self._duty_validity(item)
        self._duties.append(Responsibility(code, holder, text, self._symbol, note, validity))

    # --- values -----------------------------------------------------------------------

    def _id(self, value: Any) -> str:
        if type(value) is not str or len(value) > _ID_MAX or not _ID.search(value):
            raise _doubt()
        return value

    def _text(self, value: Any) -> Text:
        if type(value) is not dict or "en" not in value:
            raise _doubt()
        langs = self._langs
        for lang, text in value.items():
            if type(text) is not str or not text:
                raise _doubt()
            if lang not in langs:
                if not _LANG.search(lang):
                    raise _doubt()
                langs.add(lang)
        return Text(value)

    def _optional_text(self, item: dict[str, Any], key: str) -> Text | None:
        value = item.get(key, _NO_VALUE)
        return None if value is _NO_VALUE else self._text(value)

    def _flag(self, item: dict[str, Any], key: str, default: bool) -> bool:
        value = item.get(key, default)
        if type(value) is not bool:
            raise _doubt()
        return value

    def _date(self, value: Any) -> dt.date:
        if type(value) is not str:
            raise _doubt()
        day = self._dates.get(value)
        if day is None:
            if not _DATE.search(value):
                raise _doubt()
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise _doubt() from None
            self._dates[value] = day
        return day

    def _optional_date(self, item: dict[str, Any], key: str) -> dt.date | None:
        value = item.get(key, _NO_VALUE)
        return None if value is _NO_VALUE else self._date(value)

    def _validity(self, item: dict[str, Any] | None = None) -> Validity:
        """An item's dates; with no ``valid_from`` of its own, it takes part from the
        document's ``in_force``."""
        start = end = None
        if item is not None:
            start = self._optional_date(item, "valid_from")
            end = self._optional_date(item, "valid_to")
            if start is not None and end is not None and start > end:
                raise _doubt()
            in_force = self._in_force
            if start is None and end is not None and in_force is not None and end < in_force:
                raise _doubt()
        if start is None:
            start = self._in_force
        if start is None and end is None:
            return ALWAYS
        validity = self._validities.get((start, end))
        if validity is None:
            validity = self._validities.setdefault((start, end), Validity(start, end))
        return validity

    def _duty_validity(self, item: dict[str, Any]) -> Validity:
        """A duty's dates: without them, it holds as long as its holder does (it takes
        nothing from the document's ``in_force``)."""
        if "valid_from" not in item and "valid_to" not in item:
            return ALWAYS
        start = self._optional_date(item, "valid_from")
        end = self._optional_date(item, "valid_to")
        if start is not None and end is not None and start > end:
            raise _doubt()
        validity = self._validities.get((start, end))
        if validity is None:
            validity = self._validities.setdefault((start, end), Validity(start, end))
        return validity

    def _citation(self, cite: Any) -> Citation:
        if type(cite) is not dict:
            raise _doubt()
        text: Any = cite.get("text")
        try:
            key = (cite.get("document"), cite.get("section"), *text.items())
            citation = self._citations.get(key)
        except (TypeError, AttributeError):
            raise _doubt() from None
        if citation is not None and len(cite) == (2 if key[0] is None else 3):
            return citation
        if not cite.keys() <= _CITATION_KEYS:
            raise _doubt()
        document = cite.get("document", self._symbol)
        section = cite.get("section")
        if type(document) is not str or type(section) is not str or not section:
            raise _doubt()
        if document == self._symbol and section not in self._sections:
            raise _doubt()
        citation = Citation(document, section, self._text(text))
        self._citations[key] = citation
        return citation

    def _cite_list(self, cites: Any) -> tuple[Citation, ...]:
        if type(cites) is not list or not cites:
            raise _doubt()
        # Citations come from self._citations, which keeps them: their ids stay theirs.
        if len(cites) == 1:
            citation = self._citation(cites[0])
            key: Any = id(citation)
            found = self._cite_lists.get(key)
            if found is None:
                found = self._cite_lists[key] = (citation,)
            return found
        citations = tuple([self._citation(cite) for cite in cites])
        key = tuple([id(citation) for citation in citations])
        return self._cite_lists.setdefault(key, citations)

    def _facts(self, item: dict[str, Any]) -> tuple[Fact, ...]:
        facts = item.get("facts", ())
        if facts == ():
            return ()
        if type(facts) is not list:
            raise _doubt()
        return tuple(self._fact(fact) for fact in facts)

    def _fact(self, fact: Any) -> Fact:
        if type(fact) is not dict or not fact.keys() <= _FACT_KEYS:
            raise _doubt()
        name: Any = fact.get("name")
        value: Any = fact.get("value")
        if type(name) is not str or not _FACT_NAME.search(name):
            raise _doubt()
        if type(value) not in (str, int, float, bool):
            raise _doubt()
        return Fact(
            name, value, self._citation(fact.get("cite")), self._optional_text(fact, "note")
        )


# --- data the careful path has checked ---------------------------------------------


def build_checked(data: dict[str, Any]) -> Dataset:
    """The model of ``data``, which has passed every check of the careful path."""
    doc = data["document"]
    symbol: str = doc["symbol"]
    in_force = _checked_date(doc.get("in_force"))
    document = Document(
        symbol=symbol,
        title=Text(doc["title"]),
        sections=tuple(doc["sections"]),
        date=_checked_date(doc.get("date")),
        facts=_checked_facts(doc.get("facts", []), symbol),
        in_force=in_force,
        in_force_basis=_checked_optional_text(doc.get("in_force_basis")),
    )
    return Dataset(
        name=data["name"],
        title=Text(data["title"]),
        document=document,
        parties=tuple(_checked_party(party, symbol, in_force) for party in data["parties"]),
        edges=tuple(_checked_edge(edge, symbol, in_force) for edge in data["edges"]),
        responsibilities=tuple(
            Responsibility(
                code=duty["code"],
                holder=duty["holder"],
                text=Text(duty["text"]),
                document=symbol,
                note=_checked_optional_text(duty.get("note")),
                validity=_checked_validity(duty, None),
            )
            for duty in data.get("responsibilities", [])
        ),
    )


def _checked_party(party: dict[str, Any], symbol: str, in_force: dt.date | None) -> Party:
    return Party(
        id=party["id"],
        kind=PartyKind(party["kind"]),
        name=Text(party["name"]),
        aliases=tuple(party.get("aliases", [])),
        description=_checked_optional_text(party.get("description")),
        facts=_checked_facts(party.get("facts", []), symbol),
        apex=party.get("apex", False),
        apex_reason=_checked_optional_text(party.get("apex_reason")),
        validity=_checked_validity(party, in_force),
        name_in_source=party.get("name_in_source", True),
        name_note=_checked_optional_text(party.get("name_note")),
    )


def _checked_edge(edge: dict[str, Any], symbol: str, in_force: dt.date | None) -> Edge:
    return Edge(
        source=edge["from"],
        relation=Relation(edge["relation"]),
        target=edge["to"],
        citations=tuple(_checked_citation(cite, symbol) for cite in edge["cite"]),
        scope=edge.get("scope"),
        note=_checked_optional_text(edge.get("note")),
        validity=_checked_validity(edge, in_force),
    )


def _checked_facts(facts: list[dict[str, Any]], symbol: str) -> tuple[Fact, ...]:
    return tuple(
        Fact(
            name=fact["name"],
            value=fact["value"],
            citation=_checked_citation(fact["cite"], symbol),
            note=_checked_optional_text(fact.get("note")),
        )
        for fact in facts
    )


def _checked_citation(cite: dict[str, Any], symbol: str) -> Citation:
    return Citation(cite.get("document", symbol), cite["section"], Text(cite["text"]))


def _checked_optional_text(values: dict[str, str] | None) -> Text | None:
    return None if values is None else Text(values)


def _checked_date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _checked_validity(item: dict[str, Any], in_force: dt.date | None) -> Validity:
    """The item's dates; with no ``valid_from`` of its own, it takes part from ``in_force``
    (``None`` for a duty, which holds as long as its holder)."""
    start, end = _checked_date(item.get("valid_from")), _checked_date(item.get("valid_to"))
    if start is None:
        start = in_force
    return ALWAYS if start is None and end is None else Validity(start, end)


def _duties_share_days(duties: list[Responsibility]) -> bool:
    """Whether a holder has one duty twice on a day: a duty may be laid on a holder again
    after it was retired, not while it holds."""
    by_key: dict[tuple[str, str], list[Validity]] = {}
    for duty in duties:
        by_key.setdefault((duty.code, duty.holder), []).append(duty.validity)
    return any(len(days) > 1 and days_overlap(days) for days in by_key.values())
