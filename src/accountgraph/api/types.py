"""GraphQL types built from model objects. Names and shapes follow the query contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import Private

from accountgraph import model, security_responsibility
from accountgraph.api.context import Info_
from accountgraph.api.enums import Direction, Language, PartyKind, Relation
from accountgraph.errors import UnknownPartyError
from accountgraph.explain import explain_path

if TYPE_CHECKING:
    from accountgraph.api.change_sets import PartyHistoryEntry

LANG_HELP = "The language of the text; English where the text is missing in it."

LangArgument = Annotated[Language | None, strawberry.argument(description=LANG_HELP)]
"""A ``lang`` argument (the schema gives each field its default)."""


def language(lang: str | None, default: Language = Language.EN) -> str:
    """The code of the language a ``lang`` argument names (``default`` when null)."""
    return default.value if lang is None else Language(lang).value


def in_lang(
    text: model.Text | None, lang: str | None, default: Language = Language.EN
) -> str | None:
    return None if text is None else text.get(language(lang, default))


def wrap_party(party: model.Party, as_of: dt.date | None) -> Party:
    """The GraphQL object of a party (a Body for bodies and units, an Actor otherwise), which
    answers its questions about the graph as it stood on ``as_of``."""
    if party.kind.label == "Body":
        return Body(domain=party, as_of=as_of)
    return Actor(domain=party, as_of=as_of)


@strawberry.type(description="A document and section a statement comes from.")
class Citation:
    domain: Private[model.Citation]

    @strawberry.field(description="Symbol of the document, e.g. A/46/11.")
    def document(self) -> str:
        return self.domain.document

    @strawberry.field(description="Section of the document, e.g. III.A.1, III.B.2(h), I(d).")
    def section(self) -> str:
        return self.domain.section

    @strawberry.field(
        description="The clause's words. Chinese (zh) is the document's own text; "
        "English is a rendering."
    )
    def text(
        self,
        lang: LangArgument = Language.ZH,
    ) -> str | None:
        return in_lang(self.domain.text, lang, Language.ZH)


@strawberry.type(description="A property the document states about a party, with its source.")
class Fact:
    domain: Private[model.Fact]

    @strawberry.field(description="What the fact is about, e.g. rank, meets, chair.")
    def name(self) -> str:
        return self.domain.name

    @strawberry.field(description="The value, as text (numbers and booleans spelt out).")
    def value(self) -> str:
        value = self.domain.value
        return str(value).lower() if isinstance(value, bool) else str(value)

    @strawberry.field(description="The clause the fact comes from.")
    def source(self) -> Citation:
        return Citation(domain=self.domain.citation)


@strawberry.type(description="A cited relation from one party to another.")
class Edge:
    domain: Private[model.Edge]
    as_of: Private[dt.date | None] = None

    @strawberry.field(description="The relationship type.")
    def relation(self) -> Relation:  # type: ignore[valid-type]
        return self.domain.relation

    @strawberry.field(name="from", description="The party the edge leaves.")
    async def from_(self, info: Info_) -> Party:
        return wrap_party(await info.context.party(self.domain.source), self.as_of)

    @strawberry.field(description="The party the edge arrives at.")
    async def to(self, info: Info_) -> Party:
        return wrap_party(await info.context.party(self.domain.target), self.as_of)

    @strawberry.field(description="The clause the edge rests on (the first, when several).")
    def source(self) -> Citation:
        return Citation(domain=self.domain.citation)

    @strawberry.field(description="Every clause the edge rests on.")
    def sources(self) -> list[Citation]:
        return [Citation(domain=c) for c in self.domain.citations]

    @strawberry.field(description="What a delegation covers, e.g. security; null otherwise.")
    def scope(self) -> str | None:
        return self.domain.scope

    @strawberry.field(description="How the dataset reads the clause, when it needed reading.")
    def note(
        self,
        lang: LangArgument = Language.EN,
    ) -> str | None:
        return in_lang(self.domain.note, lang)


@strawberry.type(description="A duty the document lays on a party.")
class Responsibility:
    domain: Private[model.Responsibility]
    as_of: Private[dt.date | None] = None

    @strawberry.field(description="The duty's section, e.g. III.A.3(f).")
    def code(self) -> str:
        return self.domain.code

    @strawberry.field(description="The duty's words.")
    def text(
        self,
        lang: LangArgument = Language.EN,
    ) -> str:
        return str(in_lang(self.domain.text, lang))

    @strawberry.field(description="Who holds the duty.")
    async def holder(self, info: Info_) -> Party:
        return wrap_party(await info.context.party(self.domain.holder), self.as_of)

    @strawberry.field(description="The duty as a citation of its document and section.")
    def source(self) -> Citation:
        return Citation(domain=self.domain.citation)

    @strawberry.field(description="How the dataset reads the duty, when it needed reading.")
    def note(
        self,
        lang: LangArgument = Language.EN,
    ) -> str | None:
        return in_lang(self.domain.note, lang)


@strawberry.type(description="A walk through the graph: nodes[i] -edges[i]- nodes[i+1].")
class Path:
    domain: Private[model.Path]
    as_of: Private[dt.date | None] = None
    parties: Private[Mapping[str, model.Party]] = dataclasses.field(default_factory=dict)
    """The parties along the path, fetched with it (for every path of an answer at once)."""

    @strawberry.field(description="The parties along the path, from start to end.")
    def nodes(self) -> list[Party]:
        held = self.parties
        return [wrap_party(held[i], self.as_of) for i in self.domain.nodes if i in held]

    @strawberry.field(description="The edges between consecutive nodes, each with its clause.")
    def edges(self) -> list[Edge]:
        return [Edge(domain=e, as_of=self.as_of) for e in self.domain.edges]

    @strawberry.field(description="Number of edges (steps) in the path.")
    def length(self) -> int:
        return self.domain.length

    @strawberry.field(
        description="The path told as sentences, one step a line, each with its document "
        'and sections: "A reports to B (A/46/11 III.C)."'
    )
    def explanation(
        self,
        lang: LangArgument = Language.EN,
    ) -> list[str]:
        return explain_path(self.domain, self.parties, language(lang))

    @strawberry.field(description="The party the path starts from.")
    def start(self) -> Party:
        return wrap_party(self._held(self.domain.start), self.as_of)

    @strawberry.field(description="The party the path ends at.")
    def end(self) -> Party:
        return wrap_party(self._held(self.domain.end), self.as_of)

    def _held(self, party_id: str) -> model.Party:
        found = self.parties.get(party_id)
        if found is None:
            raise UnknownPartyError(party_id)
        return found


@strawberry.type(
    description="A party responsible for another's safety and security: the clause that says "
    "so, and the PART_OF steps through which it applies when the clause names a wider group."
)
class SecurityResponsibility:
    domain: Private[security_responsibility.SecurityResponsibility]
    as_of: Private[dt.date | None] = None

    @strawberry.field(description="The party responsible.")
    async def holder(self, info: Info_) -> Party:
        return wrap_party(await info.context.party(self.domain.holder), self.as_of)

    @strawberry.field(
        description="The RESPONSIBLE_FOR_SECURITY_OF edge, with its clauses: to the party "
        "asked about, or to a group it is part of."
    )
    def edge(self) -> Edge:
        return Edge(domain=self.domain.edge, as_of=self.as_of)

    @strawberry.field(
        description="The PART_OF steps from the party asked about to the group the edge "
        "names, each with its clauses; empty when the edge names the party itself."
    )
    def via(self) -> list[Edge]:
        return [Edge(domain=e, as_of=self.as_of) for e in self.domain.via]

    @strawberry.field(
        description="The responsibility and each step through which it applies, as "
        'sentences: "A is responsible for the safety and security of B (A/46/11 II)."'
    )
    async def explanation(
        self,
        info: Info_,
        lang: LangArgument = Language.EN,
    ) -> list[str]:
        code = language(lang)
        parties = await info.context.parties_by_id(self.domain.party_ids)
        return self.domain.explanation(parties, code)


TRANSITIVE_HELP = "Follow the relation any number of steps, not only one."


@strawberry.interface(description="A node of the graph: an office, role, group, body, …")
class Party:
    domain: Private[model.Party]
    as_of: Private[dt.date | None] = None

    @strawberry.field(description="Stable kebab-case id, e.g. wipo-director-general.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field(description="What sort of party this is.")
    def kind(self) -> PartyKind:  # type: ignore[valid-type]
        return self.domain.kind

    @strawberry.field(description="The party's name.")
    def name(
        self,
        lang: LangArgument = Language.EN,
    ) -> str:
        return str(in_lang(self.domain.name, lang))

    @strawberry.field(description="Other names and abbreviations (SMG, CSA, DO, …).")
    def aliases(self) -> list[str]:
        return list(self.domain.aliases)

    @strawberry.field(description="A short description, when the dataset gives one.")
    def description(
        self,
        lang: LangArgument = Language.EN,
    ) -> str | None:
        return in_lang(self.domain.description, lang)

    @strawberry.field(description="Properties the document states (rank, meeting cadence, …).")
    def facts(self) -> list[Fact]:
        return [Fact(domain=f) for f in self.domain.facts]

    @strawberry.field(
        description="Declared by the dataset to answer to no one modelled in it "
        "(e.g. the Member States)."
    )
    def apex(self) -> bool:
        return self.domain.apex

    @strawberry.field(
        description="Whether the party's Chinese name is the source document's own words; "
        "false for a name the dataset had to coin (nameNote says why)."
    )
    def name_in_source(self) -> bool:
        return self.domain.name_in_source

    @strawberry.field(
        description="Where the party's names come from, when a reader could take them for "
        "the document's words (an inference, a coined name)."
    )
    def name_note(
        self,
        lang: LangArgument = Language.EN,
    ) -> str | None:
        return in_lang(self.domain.name_note, lang)

    @strawberry.field(description="First day the party takes part in the graph, if dated.")
    def valid_from(self) -> dt.date | None:
        return self.domain.validity.valid_from

    @strawberry.field(description="Last day the party takes part in the graph, if dated.")
    def valid_to(self) -> dt.date | None:
        return self.domain.validity.valid_to

    async def _parties_along(
        self,
        info: Info_,
        relation: model.Relation,
        direction: model.Direction,
        *,
        transitive: bool = False,
    ) -> list[Party]:
        """The parties one ``relation`` step away (any number when ``transitive``), on the
        day this party is asked about."""
        found = await info.context.store.neighbours(
            self.domain.id, relation, direction, transitive=transitive, as_of=self.as_of
        )
        return [wrap_party(p, self.as_of) for p in found]

    @strawberry.field(description="Whom this party answers to (ACCOUNTABLE_TO, outgoing).")
    async def accountable_to(
        self,
        info: Info_,
        transitive: Annotated[
            bool | None, strawberry.argument(description=TRANSITIVE_HELP)
        ] = False,
    ) -> list[Party]:
        return await self._parties_along(
            info, model.Relation.ACCOUNTABLE_TO, model.Direction.OUT, transitive=bool(transitive)
        )

    @strawberry.field(description="Who answers to this party (ACCOUNTABLE_TO, incoming).")
    async def holds_accountable(
        self,
        info: Info_,
        transitive: Annotated[
            bool | None, strawberry.argument(description=TRANSITIVE_HELP)
        ] = False,
    ) -> list[Party]:
        return await self._parties_along(
            info, model.Relation.ACCOUNTABLE_TO, model.Direction.IN, transitive=bool(transitive)
        )

    @strawberry.field(description="Whom this party reports to (REPORTS_TO, outgoing).")
    async def reports_to(self, info: Info_) -> list[Party]:
        return await self._parties_along(info, model.Relation.REPORTS_TO, model.Direction.OUT)

    @strawberry.field(description="The bodies this party sits on (MEMBER_OF, outgoing).")
    async def member_of(self, info: Info_) -> list[Body]:
        found = await self._parties_along(info, model.Relation.MEMBER_OF, model.Direction.OUT)
        return [p for p in found if isinstance(p, Body)]

    @strawberry.field(description="The duties the document lays on this party, in its order.")
    async def responsibilities(self, info: Info_) -> list[Responsibility]:
        duties = await info.context.store.responsibilities(self.domain.id, as_of=self.as_of)
        return [Responsibility(domain=d, as_of=self.as_of) for d in duties]

    @strawberry.field(
        description="Who is responsible for this party's safety and security: every "
        "RESPONSIBLE_FOR_SECURITY_OF edge to it or to a group it is part of (PART_OF, any "
        "number of steps), nearest first, each with its clauses and steps."
    )
    async def responsible_for_security(self, info: Info_) -> list[SecurityResponsibility]:
        found = await security_responsibility.responsible_for_security_of(
            info.context.store, self.domain.id, as_of=self.as_of
        )
        return [SecurityResponsibility(domain=r, as_of=self.as_of) for r in found]

    @strawberry.field(description="This party's edges, ordered by relation then other party.")
    async def edges(
        self,
        info: Info_,
        direction: Annotated[
            Direction | None,  # type: ignore[valid-type]
            strawberry.argument(description="Which edges: OUT (default), IN or BOTH."),
        ] = model.Direction.OUT,
        relations: Annotated[
            list[Relation] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only these relations; all when omitted."),
        ] = None,
    ) -> list[Edge]:
        found = await info.context.store.edges(
            self.domain.id, direction or model.Direction.OUT, relations, as_of=self.as_of
        )
        return [Edge(domain=e, as_of=self.as_of) for e in found]

    @strawberry.field(
        description="The log entries that changed this party, oldest first: each applied "
        "change set, and what it changed for this party (its record, its edges either way, "
        "its duties). Empty on the memory store, which keeps no log."
    )
    async def history(
        self, info: Info_
    ) -> list[Annotated[PartyHistoryEntry, strawberry.lazy("accountgraph.api.change_sets")]]:
        from accountgraph.api.change_sets import history_of  # it builds on the types here

        governance = info.context.governance
        if not governance.changeable:
            return []
        return history_of(self.domain.id, await governance.log(party_id=self.domain.id))


@strawberry.type(description="An office, role, group or government.")
class Actor(Party):
    pass


@strawberry.type(description="A body or unit: it can have members and a chair.")
class Body(Party):
    @strawberry.field(description="Who sits on this body (MEMBER_OF, incoming).")
    async def members(self, info: Info_) -> list[Party]:
        return await self._parties_along(info, model.Relation.MEMBER_OF, model.Direction.IN)

    @strawberry.field(description="Who chairs this body (CHAIRS, incoming); null when no one.")
    async def chair(self, info: Info_) -> Party | None:
        found = await self._parties_along(info, model.Relation.CHAIRS, model.Direction.IN)
        return found[0] if found else None
