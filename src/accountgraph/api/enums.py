"""The GraphQL enums, every value with a description, so that the schema documents each
one and generated clients carry the text to their users.

The model's enums (:mod:`accountgraph.model`, :mod:`accountgraph.analysis`, the
governance ones) know nothing of GraphQL; :func:`described_enum` makes each a GraphQL enum
and refuses, when the schema is built, one whose values are not all described.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import TypeVar

import strawberry

from accountgraph import analysis, model
from accountgraph.governance.change_set import Status
from accountgraph.governance.roles import Role

E = TypeVar("E", bound=type[Enum])


def described_enum(enum: E, *, name: str, description: str, values: Mapping[Enum, str]) -> E:
    """``enum`` as the GraphQL enum ``name``, each value described by ``values``.

    Raises:
        ValueError: a value of ``enum`` has no description, or ``values`` describes a
            value ``enum`` does not have.
    """
    missing = [member.name for member in enum if member not in values]
    strangers = [str(value) for value in values if not isinstance(value, enum)]
    if missing or strangers:
        raise ValueError(
            f"the GraphQL enum {name} must describe every value of {enum.__name__}: "
            f"missing {missing or 'none'}, not values of it {strangers or 'none'}"
        )
    made = strawberry.enum(enum, name=name, description=description)
    for value in made.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[enum[value.name]]
    return made


class Language(StrEnum):
    """The languages the API answers in (``model.LANGUAGES``). A ``str`` enum: graphql-core
    gives a resolver its code (``"zh"``), strawberry the member, and both compare equal."""

    EN = "en"
    ZH = "zh"


Lang = described_enum(
    Language,
    name="Lang",
    description="A language the texts of the graph are given in. A text missing in it is "
    "given in English.",
    values={Language.EN: "English.", Language.ZH: "Chinese (简体中文)."},
)

PartyKind = described_enum(
    model.PartyKind,
    name="PartyKind",
    description="What sort of party a node is: offices, roles, groups and governments are "
    "actors; bodies and units are bodies.",
    values={
        model.PartyKind.OFFICE: "A post held by one person, e.g. the Director General of "
        "WIPO (an actor).",
        model.PartyKind.ROLE: "A function assigned to a person or post, e.g. the Designated "
        "Official for Switzerland (an actor).",
        model.PartyKind.GROUP: "People taken together, e.g. the personnel employed by WIPO "
        "(an actor).",
        model.PartyKind.GOVERNMENT: "A State's government, e.g. the host government (an actor).",
        model.PartyKind.BODY: "An organ, network or system with members, e.g. the "
        "Inter-Agency Security Management Network (a body).",
        model.PartyKind.UNIT: "An organizational unit or a contractor, e.g. the Safety and "
        "Security Coordination Service (a body).",
    },
)

Relation = described_enum(
    model.Relation,
    name="Relation",
    description="Relationship types, read left to right: (a)-[RELATION]->(b).",
    values={
        model.Relation.ACCOUNTABLE_TO: "a answers to b for what it does: the "
        "accountability line that accountabilityChains follows.",
        model.Relation.REPORTS_TO: "a reports to b: the reporting line.",
        model.Relation.MEMBER_OF: "a is a member of the body or group b.",
        model.Relation.CHAIRS: "a chairs the body b.",
        model.Relation.ADVISES: "a advises b.",
        model.Relation.APPOINTS: "a appoints b.",
        model.Relation.DESIGNATES: "a designates b, naming it to a role or task.",
        model.Relation.DELEGATES_TO: "a delegates authority to b, in a scope such as "
        "security: the line delegationEnds follows.",
        model.Relation.SERVES_AS: "a serves as b: it holds that role or office.",
        model.Relation.LIAISES_WITH: "a liaises with b.",
        model.Relation.TECHNICAL_LINK: "a keeps a technical link with b (a working link, "
        "not a line of authority).",
        model.Relation.SUPPORTS: "a supports b.",
        model.Relation.MANAGES: "a manages b.",
        model.Relation.ESTABLISHES: "a establishes b: it created the body or arrangement.",
        model.Relation.CONVENES: "a convenes b: it calls the body's meetings.",
        model.Relation.RECOMMENDS_TO: "a makes recommendations to b.",
        model.Relation.PARTICIPATES_IN: "a participates in b.",
        model.Relation.COORDINATES: "a coordinates b.",
        model.Relation.RESPONSIBLE_FOR_SECURITY_OF: "a is responsible for the safety and "
        "security of b.",
        model.Relation.PART_OF: "a is a group included in the wider group b: what b is "
        "owed applies to a too.",
    },
)

Direction = described_enum(
    model.Direction,
    name="Direction",
    description="Edges leaving a party (OUT), arriving at it (IN), or both.",
    values={
        model.Direction.OUT: "Edges from the party to others: (party)-[]->(other).",
        model.Direction.IN: "Edges from others to the party: (other)-[]->(party).",
        model.Direction.BOTH: "Edges either way.",
    },
)

Severity = described_enum(
    analysis.Severity,
    name="Severity",
    description="How much a finding matters: ERROR fails an audit; WARNING and INFO inform.",
    values={
        analysis.Severity.ERROR: "The graph is wrong here: the audit fails until it is fixed.",
        analysis.Severity.WARNING: "Probably a gap in accountability, worth a look; the "
        "audit still passes.",
        analysis.Severity.INFO: "Worth knowing; nothing to fix.",
    },
)

ChangeSetStatus = described_enum(
    Status,
    name="ChangeSetStatus",
    description="Where a change set stands: DRAFT → PROPOSED → APPLIED (approved), or "
    "REJECTED, or WITHDRAWN by its author.",
    values={
        Status.DRAFT: "Written by its author, not yet proposed.",
        Status.PROPOSED: "Proposed, waiting for an approver to approve or reject it.",
        Status.APPLIED: "Approved and applied to the graph (and written to the log).",
        Status.REJECTED: "Refused by an approver, with a reason; the graph is unchanged.",
        Status.WITHDRAWN: "Withdrawn by its author; the graph is unchanged.",
    },
)

TokenRole = described_enum(
    Role,
    name="Role",
    description="A token's role; each may do all the roles before it may: READER reads, "
    "EDITOR drafts, proposes and withdraws change sets, APPROVER approves and rejects "
    "others' change sets, ADMIN manages tokens.",
    values={
        Role.READER: "Reads the graph, the change sets and the log.",
        Role.EDITOR: "Also drafts, proposes and withdraws change sets.",
        Role.APPROVER: "Also approves and rejects change sets drafted by others.",
        Role.ADMIN: "Also creates and revokes tokens.",
    },
)
