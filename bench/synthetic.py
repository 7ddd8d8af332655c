"""A synthetic organisation of any size: a deep accountability tree with cross-links.

Every party answers to one or two principals a level up; offices report and delegate
along the same lines; bodies gather members from the levels below. Seeded, so a size
always gives the same graph.
"""

from __future__ import annotations

import random

from accountgraph.model import Citation, Dataset, Document, Edge, Party, PartyKind, Relation, Text

_CITE = (Citation("SYN/1", "I"),)
_DOCUMENT = Document("SYN/1", Text({"en": "Synthetic framework"}), ("I",))


def organisation(parties: int, *, fan_out: int = 6, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    nodes = [Party("p0", PartyKind.BODY, Text({"en": "Member States", "zh": "成员国"}), apex=True)]
    edges: list[Edge] = []
    for index in range(1, parties):
        party_id = f"p{index}"
        kind = PartyKind.BODY if index % 50 == 0 else PartyKind.OFFICE
        name = Text({"en": f"Office {index}", "zh": f"办公室 {index}"})
        nodes.append(Party(party_id, kind, name))
        principal = f"p{(index - 1) // fan_out}"
        edges.append(Edge(party_id, Relation.ACCOUNTABLE_TO, principal, _CITE))
        edges.append(Edge(party_id, Relation.REPORTS_TO, principal, _CITE))
        edges.append(Edge(principal, Relation.DELEGATES_TO, party_id, _CITE, scope="security"))
        if index > fan_out and rng.random() < 0.1:
            second = f"p{rng.randrange(0, (index - 1) // fan_out)}"
            if second != principal:
                edges.append(Edge(party_id, Relation.ACCOUNTABLE_TO, second, _CITE))
        if kind is PartyKind.OFFICE and index >= 50:
            body = f"p{rng.randrange(1, index // 50 + 1) * 50}"
            if body != party_id:
                edges.append(Edge(party_id, Relation.MEMBER_OF, body, _CITE))
    return Dataset(
        name=f"synthetic-{parties}",
        title=Text({"en": f"Synthetic organisation of {parties} parties"}),
        document=_DOCUMENT,
        parties=tuple(nodes),
        edges=tuple(edges),
        responsibilities=(),
    )
