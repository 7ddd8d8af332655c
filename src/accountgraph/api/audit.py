"""The audit in GraphQL: findings of the integrity checks, with their parties and clauses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from accountgraph import analysis
from accountgraph.api.context import Info_
from accountgraph.api.enums import Severity
from accountgraph.api.types import Party, wrap_party


@strawberry.type(description="One thing an audit found.")
class Finding:
    domain: strawberry.Private[analysis.Finding]

    @strawberry.field(description="The check that found it, e.g. accountability-cycle.")
    def check(self) -> str:
        return self.domain.check

    @strawberry.field(description="How much it matters.")
    def severity(self) -> Severity:  # type: ignore[valid-type]
        return self.domain.severity

    @strawberry.field(description="What was found, in words.")
    def message(self) -> str:
        return self.domain.message

    @strawberry.field(description="The parties involved (those the graph holds).")
    async def parties(self, info: Info_) -> list[Party]:
        found = await info.context.parties.load_many(list(self.domain.parties))
        return [wrap_party(p, None) for p in found if p is not None]

    @strawberry.field(description="Ids of the parties involved, including any the graph lacks.")
    def party_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(p) for p in self.domain.parties]

    @strawberry.field(description="The sections of the document involved.")
    def sections(self) -> list[str]:
        return list(self.domain.sections)


@strawberry.type(description="A named check and why it matters.")
class AuditCheck:
    name: str = strawberry.field(description="The check's name.")
    severity: Severity = strawberry.field(  # type: ignore[valid-type]
        description="The severity of its findings."
    )
    why: str = strawberry.field(description="What it looks for, and why an auditor cares.")


@strawberry.type(description="The integrity checks run over the whole graph.")
class Audit:
    domain: strawberry.Private[list[analysis.Finding]]

    @strawberry.field(
        description="Every finding, errors first, or only those of the given severities."
    )
    def findings(
        self,
        severities: Annotated[
            list[Severity] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only findings of these severities."),
        ] = None,
    ) -> list[Finding]:
        wanted = set(severities) if severities else None
        return [Finding(domain=f) for f in self.domain if wanted is None or f.severity in wanted]

    @strawberry.field(description="Number of ERROR findings: an audit passes when it is 0.")
    def errors(self) -> int:
        return sum(f.severity is analysis.Severity.ERROR for f in self.domain)

    @strawberry.field(description="Number of WARNING findings.")
    def warnings(self) -> int:
        return sum(f.severity is analysis.Severity.WARNING for f in self.domain)

    @strawberry.field(description="Every check the audit runs, and why.")
    def checks(self) -> list[AuditCheck]:
        return [AuditCheck(name=c.name, severity=c.severity, why=c.why) for c in analysis.CHECKS]


async def run_audit(info: Info_, day: dt.date) -> Audit:
    """The audit of the graph as it stood on ``day``."""
    dataset = await info.context.store.snapshot(as_of=day)
    return Audit(domain=analysis.audit(dataset))
