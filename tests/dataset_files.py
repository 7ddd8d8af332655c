"""Datasets written as dataset files, for tests that run ``accountgraph`` as a process."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import yaml

from accountgraph.model import Citation, Dataset, Validity

TOP = Path(__file__).resolve().parent.parent


def synthetic_organisation(parties: int) -> Dataset:
    """The benchmark's synthetic organisation (``bench/synthetic.py``) of ``parties``."""
    sys.path.insert(0, str(TOP / "bench"))
    try:
        synthetic = importlib.import_module("synthetic")
    finally:
        sys.path.pop(0)
    organisation: Dataset = synthetic.organisation(parties)
    return organisation


def dataset_yaml(dataset: Dataset) -> str:
    """``dataset`` in the dataset file format (graph/dataset.schema.json).

    A citation without text gets its section as text: the format requires one.
    """

    def cite(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
        return [
            {
                "document": c.document,
                "section": c.section,
                "text": c.text.as_dict() if c.text else {"en": c.section},
            }
            for c in citations
        ]

    def dates(validity: Validity) -> dict[str, str]:
        found = {"valid_from": validity.valid_from, "valid_to": validity.valid_to}
        return {k: v.isoformat() for k, v in found.items() if v is not None}

    document = dataset.document
    data: dict[str, Any] = {
        "format": "accountgraph/1",
        "name": dataset.name,
        "title": dataset.title.as_dict(),
        "document": {
            "symbol": document.symbol,
            "title": document.title.as_dict(),
            "sections": list(document.sections),
            **({"date": document.date.isoformat()} if document.date else {}),
        },
        "parties": [
            {
                "id": p.id,
                "kind": p.kind.value,
                "name": p.name.as_dict(),
                **({"aliases": list(p.aliases)} if p.aliases else {}),
                **({"apex": True} if p.apex else {}),
                **dates(p.validity),
            }
            for p in dataset.parties
        ],
        "edges": [
            {
                "from": e.source,
                "relation": e.relation.value,
                "to": e.target,
                **({"scope": e.scope} if e.scope else {}),
                "cite": cite(e.citations),
                **dates(e.validity),
            }
            for e in dataset.edges
        ],
        "responsibilities": [
            {"code": r.code, "holder": r.holder, "text": r.text.as_dict()}
            for r in dataset.responsibilities
        ],
    }
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


def write_dataset(dataset: Dataset, path: Path) -> Path:
    """Write ``dataset`` to the dataset file ``path``; return the path."""
    path.write_text(dataset_yaml(dataset), encoding="utf-8")
    return path
