"""How the CLI shows parties and paths to people: rich tables, one step a row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from accountgraph.model import Edge, Party, Path, Responsibility
from accountgraph.security_responsibility import SecurityResponsibility

_HEADERS = {
    "en": {
        "step": "#",
        "from": "from",
        "relation": "relation",
        "to": "to",
        "section": "section",
        "code": "section",
        "duty": "duty",
        "kind": "kind",
        "id": "id",
        "fact": "fact",
        "value": "value",
        "party": "party",
        "direction": "direction",
        "responsible": "responsible",
        "through": "applies through",
    },
    "zh": {
        "step": "#",
        "from": "自",
        "relation": "关系",
        "to": "至",
        "section": "条款",
        "code": "条款",
        "duty": "职责",
        "kind": "类别",
        "id": "标识",
        "fact": "事实",
        "value": "值",
        "party": "参与方",
        "direction": "方向",
        "responsible": "负责方",
        "through": "适用途径",
    },
}


def _h(lang: str, key: str) -> str:
    return _HEADERS.get(lang, _HEADERS["en"])[key]


def sections(edge: Edge) -> str:
    """The sections an edge rests on, e.g. ``preamble 2, I(a)``."""
    return ", ".join(c.section for c in edge.citations)


def _party_cell(party: Party, lang: str) -> RichText:
    """The party's name, and its id on a line of its own."""
    cell = RichText(str(party.name.get(lang)))
    cell.append(f"\n{party.id}", style="dim")
    return cell


def _id_width(parties: Iterable[Party]) -> int | None:
    """The least width of a column of :func:`_party_cell`: the longest id fits on its line
    whole (rich breaks a line only at spaces, and folds a word only wider than its column)."""
    return max((len(party.id) for party in parties), default=None)


def path_table(path: Path, parties: Mapping[str, Party], lang: str, title: str) -> Table:
    """One row per party along the path; each row after the first says which edge led there."""
    table = Table(title=title, title_justify="left")
    table.add_column(_h(lang, "step"), justify="right")
    shown = [parties[node] for node in path.nodes]
    table.add_column(_h(lang, "party"), overflow="fold", ratio=3, min_width=_id_width(shown))
    table.add_column(_h(lang, "relation"), no_wrap=True)
    table.add_column(_h(lang, "section"), overflow="fold", ratio=1)
    table.add_row("0", _party_cell(parties[path.start], lang), "", "")
    for number, edge in enumerate(path.edges, start=1):
        arrow = "→" if edge.source == path.nodes[number - 1] else "←"
        relation = f"{arrow} {edge.relation.phrase}" + (f" [{edge.scope}]" if edge.scope else "")
        reached = parties[path.nodes[number]]
        table.add_row(str(number), _party_cell(reached, lang), relation, sections(edge))
    return table


def print_paths(
    console: Console,
    paths: Sequence[Path],
    parties: Mapping[str, Party],
    lang: str,
    noun: str,
) -> None:
    for number, path in enumerate(paths, start=1):
        end = parties[path.end].name.get(lang)
        steps = "step" if path.length == 1 else "steps"
        title = f"{noun} {number} of {len(paths)}: {path.length} {steps}, ends at {end}"
        console.print(path_table(path, parties, lang, title))


def party_card(
    console: Console,
    party: Party,
    edges: Sequence[Edge],
    duties: Sequence[Responsibility],
    parties: Mapping[str, Party],
    lang: str,
) -> None:
    heading = RichText(str(party.name.get(lang)), style="bold")
    heading.append(f"  {party.id} · {party.kind.value}", style="dim")
    console.print(heading)
    other_lang = [f"{code}: {text}" for code, text in party.name.values.items() if code != lang]
    for line in other_lang:
        console.print(f"  {line}")
    if party.aliases:
        console.print(f"  aliases: {', '.join(party.aliases)}")
    if party.description:
        console.print(f"  {party.description.get(lang)}")
    if not party.name_in_source:
        console.print("  name: not the document's words, coined for this graph")
    if party.name_note:
        console.print(f"  about the names: {party.name_note.get(lang)}")
    if party.apex:
        console.print("  declared apex: answers to no one modelled in this dataset")
    if party.facts:
        facts = Table(title="facts", title_justify="left")
        for key in ("fact", "value", "section"):
            facts.add_column(_h(lang, key), overflow="fold")
        for fact in party.facts:
            facts.add_row(fact.name, str(fact.value), fact.citation.section)
        console.print(facts)
    if edges:
        table = Table(title="edges", title_justify="left")
        others = [parties[edge.other_end(party.id)] for edge in edges]
        table.add_column(_h(lang, "direction"), no_wrap=True)
        table.add_column(_h(lang, "relation"), overflow="fold")
        table.add_column(_h(lang, "party"), overflow="fold", min_width=_id_width(others))
        table.add_column(_h(lang, "section"), overflow="fold")
        for edge, other in zip(edges, others, strict=True):
            outgoing = edge.source == party.id
            table.add_row(
                "→" if outgoing else "←",
                edge.relation.phrase + (f" [{edge.scope}]" if edge.scope else ""),
                _party_cell(other, lang),
                sections(edge),
            )
        console.print(table)
    if duties:
        table = Table(title="responsibilities", title_justify="left")
        table.add_column(_h(lang, "code"), no_wrap=True)
        table.add_column(_h(lang, "duty"), overflow="fold")
        for duty in duties:
            table.add_row(duty.code, str(duty.text.get(lang)))
        console.print(table)


def security_table(
    answers: Sequence[SecurityResponsibility], parties: Mapping[str, Party], lang: str
) -> Table:
    """One row per party responsible: the clause that says so and, when the clause names a
    wider group, each step through which it applies to the party asked about."""
    table = Table(title_justify="left")
    table.add_column(_h(lang, "step"), justify="right")
    holders = [parties[answer.holder] for answer in answers]
    table.add_column(
        _h(lang, "responsible"), overflow="fold", ratio=2, min_width=_id_width(holders)
    )
    table.add_column(_h(lang, "section"), overflow="fold", ratio=1)
    table.add_column(_h(lang, "through"), overflow="fold", ratio=2)
    for number, answer in enumerate(answers, start=1):
        through = RichText()
        for step in answer.via:
            if through:
                through.append("\n")
            through.append(f"{step.relation.phrase} {parties[step.target].name.get(lang)}")
            through.append(f" ({sections(step)})", style="dim")
        table.add_row(
            str(number),
            _party_cell(parties[answer.holder], lang),
            sections(answer.edge),
            through or "directly",
        )
    return table


def numbered(lines: Sequence[str], indent: int, first: int = 1) -> Table:
    """``lines`` numbered from ``first``, each wrapped under its own start (not under its
    number) and ``indent`` columns in."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(justify="right", no_wrap=True, min_width=indent)
    grid.add_column(overflow="fold")
    for number, line in enumerate(lines, start=first):
        grid.add_row(f"{number}.", RichText(line))
    return grid
