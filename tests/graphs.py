"""Small hand-made datasets whose answers are known, for the store contract tests.

Every builder returns a :class:`Dataset`; ids not given as parties become offices named
after their id. Relations are abbreviated: ``A`` accountable to, ``R`` reports to,
``D`` delegates to.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from accountgraph.model import (
    ALWAYS,
    Citation,
    Dataset,
    Document,
    Edge,
    Party,
    PartyKind,
    Relation,
    Responsibility,
    Text,
    Validity,
)
from accountgraph.store.base import GraphStore

StoreFactory = Callable[[Dataset], Awaitable[GraphStore]]

T = TypeVar("T")


def ask(factory: StoreFactory, data: Dataset, query: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Build a store holding ``data``, answer one query with it, close it."""

    async def run() -> T:
        store = await factory(data)
        try:
            return await query(store)
        finally:
            await store.close()

    return asyncio.run(run())


"""Builds a store of some kind holding a dataset."""

A = Relation.ACCOUNTABLE_TO
R = Relation.REPORTS_TO
D = Relation.DELEGATES_TO

DOCUMENT = Document(
    symbol="T/1",
    title=Text({"en": "Test framework", "zh": "测试框架"}),
    sections=("I", "II", "III.A.3(a)", "III.A.3(b)", "III.A.3(c)", "III.B.2(a)"),
)
CITATION = Citation("T/1", "I")


def party(
    party_id: str,
    kind: PartyKind = PartyKind.OFFICE,
    *,
    en: str | None = None,
    zh: str | None = None,
    aliases: Iterable[str] = (),
    valid: Validity = ALWAYS,
) -> Party:
    names = {"en": en or party_id}
    if zh is not None:
        names["zh"] = zh
    return Party(party_id, kind, Text(names), aliases=tuple(aliases), validity=valid)


def edge(
    source: str,
    relation: Relation,
    target: str,
    scope: str | None = None,
    *,
    valid: Validity = ALWAYS,
) -> Edge:
    return Edge(source, relation, target, (CITATION,), scope=scope, validity=valid)


def dataset(
    edges: Iterable[Edge],
    parties: Iterable[Party] = (),
    responsibilities: Iterable[Responsibility] = (),
    *,
    name: str = "test",
) -> Dataset:
    """A dataset of ``edges``, with ``parties`` plus an office for each other id named."""
    edges = tuple(edges)
    given = {p.id: p for p in parties}
    named = dict.fromkeys(end for e in edges for end in (e.source, e.target))
    everyone = [*given.values(), *(party(pid) for pid in named if pid not in given)]
    return Dataset(
        name=name,
        title=Text({"en": name}),
        document=DOCUMENT,
        parties=tuple(everyone),
        edges=edges,
        responsibilities=tuple(responsibilities),
    )


def linked(*specs: tuple[str, Relation, str], name: str = "test") -> Dataset:
    return dataset((edge(*spec) for spec in specs), name=name)


def chain() -> Dataset:
    """a → b → c → d, accountable to; d answers to no one."""
    return linked(("a", A, "b"), ("b", A, "c"), ("c", A, "d"), name="chain")


def diamond() -> Dataset:
    """a answers to b and to c, both answer to d: two chains from a."""
    return linked(("a", A, "b"), ("a", A, "c"), ("b", A, "d"), ("c", A, "d"), name="diamond")


def cycle() -> Dataset:
    """a → b → c → a, with b → top; and x ⇄ y, a loop with no way out."""
    return linked(
        ("a", A, "b"),
        ("b", A, "c"),
        ("c", A, "a"),
        ("b", A, "top"),
        ("x", A, "y"),
        ("y", A, "x"),
        name="cycle",
    )


def dead_ends() -> Dataset:
    """From s: x leads nowhere, y leads to t, z to w and then nowhere; u loops back to s."""
    return linked(
        ("s", R, "x"),
        ("s", R, "y"),
        ("y", R, "t"),
        ("s", R, "z"),
        ("z", R, "w"),
        ("s", R, "u"),
        ("u", R, "s"),
        name="dead-ends",
    )


def parallel() -> Dataset:
    """Parallel edges of different relations, arranged so that node order and relation
    order disagree: a ⇉ b (A and R), b → x → t ending in A, b → y → t ending in R.
    """
    return linked(
        ("a", A, "b"),
        ("a", R, "b"),
        ("b", A, "x"),
        ("b", A, "y"),
        ("x", A, "t"),
        ("y", R, "t"),
        name="parallel",
    )


def delegation() -> Dataset:
    """A delegation tree whose edges carry scopes (beta-1's has none)."""
    return dataset(
        [
            edge("root", D, "alpha", "security"),
            edge("root", D, "beta", "security"),
            edge("root", D, "beta", "finance"),
            edge("root", D, "gamma", "finance"),
            edge("alpha", D, "alpha-1", "security"),
            edge("alpha", D, "alpha-2", "finance"),
            edge("beta", D, "beta-1"),
            edge("gamma", D, "gamma-1", "finance"),
            edge("alpha-1", A, "root"),
        ],
        name="delegation",
    )


def fan_out(width: int) -> Dataset:
    """s → t directly, and s → m-NNNN → t through ``width`` middle parties."""
    middles = [f"m-{i:04d}" for i in range(width)]
    specs = [("s", A, "t")]
    for middle in middles:
        specs += [("s", A, middle), (middle, A, "t")]
    return linked(*specs, name="fan-out")


FRAMEWORK_PARTIES = (
    party("member-states", PartyKind.GOVERNMENT, en="Member States", zh="成员国"),
    party("director-general", en="Director General", zh="总干事", aliases=["DG"]),
    party("deputy-director-general", en="Deputy Director General", zh="副总干事", aliases=["DDG"]),
    party("security-coordinator", PartyKind.ROLE, en="Security Coordinator", zh="安保协调员"),
    party(
        "security-section",
        PartyKind.UNIT,
        en="Safety and Security Coordination Section",
        zh="安全和安保协调科",
        aliases=["SSCS"],
    ),
    party("program-managers", PartyKind.ROLE, en="Program Managers", zh="方案主管"),
    party("staff", PartyKind.GROUP, en="Staff Members", zh="工作人员"),
    party(
        "undss",
        PartyKind.BODY,
        en="UN Department of Safety and Security",
        zh="联合国安全和安保部",
        aliases=["UNDSS"],
    ),
    party(
        "iasmn",
        PartyKind.BODY,
        en="Inter-Agency Security Management Network",
        zh="机构间安保管理网络",
        aliases=["IASMN"],
    ),
    party("host-country", PartyKind.GOVERNMENT, en="Host Country", zh="东道国"),
    party("wardens", PartyKind.ROLE, en="Wardens", zh="楼层安全员"),
    party("security-focal-points", PartyKind.ROLE, en="Security Focal Points", zh="安保联络人"),
)


def _duty(code: str, holder: str, text: str) -> Responsibility:
    return Responsibility(code, holder, Text({"en": text}), "T/1")


def framework() -> Dataset:
    """A dozen parties of several kinds, named in English and Chinese, with duties."""
    return dataset(
        [
            edge("director-general", A, "member-states"),
            edge("deputy-director-general", A, "director-general"),
            edge("deputy-director-general", R, "director-general"),
            edge("security-coordinator", A, "deputy-director-general"),
            edge("security-coordinator", R, "deputy-director-general"),
            edge("security-coordinator", Relation.MANAGES, "security-section"),
            edge("security-coordinator", Relation.LIAISES_WITH, "undss"),
            edge("security-coordinator", Relation.PARTICIPATES_IN, "iasmn"),
            edge("program-managers", A, "director-general"),
            edge("staff", A, "program-managers"),
            edge("wardens", Relation.SUPPORTS, "security-section"),
            edge("security-focal-points", Relation.SUPPORTS, "security-coordinator"),
            edge("director-general", Relation.LIAISES_WITH, "host-country"),
            edge("director-general", D, "deputy-director-general", "security"),
            edge("deputy-director-general", D, "security-coordinator", "security"),
        ],
        FRAMEWORK_PARTIES,
        [
            _duty("III.A.3(a)", "director-general", "Appoint the security coordinator."),
            _duty("III.A.3(b)", "director-general", "Answer to the Member States."),
            _duty("III.A.3(c)", "director-general", "Fund security."),
            _duty("III.B.2(a)", "security-coordinator", "Run the security section."),
        ],
        name="framework",
    )


BEFORE = dt.date(2020, 3, 1)
"""A day before the change of :func:`dated`: ``a`` answers to ``old``."""
LAST_OLD_DAY = dt.date(2020, 6, 30)
FIRST_NEW_DAY = dt.date(2020, 7, 1)
AFTER = dt.date(2021, 6, 1)
"""A day after the change of :func:`dated`: ``a`` answers to ``new``; ``late`` is there."""
LATER = dt.date(2022, 6, 1)


def dated() -> Dataset:
    """A framework that changed on 1 July 2020: ``a`` was accountable to ``old`` until
    30 June 2020 and to ``new`` (itself there from that day) since; ``late`` arrives in 2021
    (accountable to ``a``, holding a duty), ``gone`` left at the end of 2019 (it reported to
    ``a``); ``top`` answers to ``crown`` from 2022. Security is delegated from ``top``
    through ``old`` until the change, through ``new`` since.
    """
    security = "security"
    until_change = Validity(valid_to=LAST_OLD_DAY)
    from_change = Validity(valid_from=FIRST_NEW_DAY)
    return dataset(
        [
            edge("a", A, "old", valid=until_change),
            edge("a", A, "new", valid=from_change),
            edge("old", A, "top"),
            edge("new", A, "top"),
            edge("top", A, "crown", valid=Validity(valid_from=dt.date(2022, 1, 1))),
            edge("late", A, "a"),
            edge("gone", R, "a"),
            edge("top", D, "old", security, valid=until_change),
            edge("top", D, "new", security),
            edge("old", D, "a", security),
            edge("new", D, "a", security),
        ],
        [
            party("a"),
            party("old"),
            party("new", valid=from_change),
            party("top"),
            party("crown"),
            party("late", valid=Validity(valid_from=dt.date(2021, 1, 1))),
            party("gone", valid=Validity(valid_to=dt.date(2019, 12, 31))),
        ],
        [
            _duty("III.A.3(a)", "a", "Answer for security."),
            _duty("III.B.2(a)", "late", "Arrive in 2021."),
        ],
        name="dated",
    )
