"""The CLI's tables on an 80-column terminal: names wrap, ids never do."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from accountgraph.cli import cli
from accountgraph.dataset import load_dataset

WIPO = load_dataset(None)
NARROW = {"COLUMNS": "80"}


def _output(*args: str) -> str:
    result = CliRunner(env=NARROW).invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    return result.output


def _ends(party_id: str) -> set[str]:
    return {e.other_end(party_id) for e in WIPO.edges if party_id in (e.source, e.target)}


@pytest.mark.parametrize("party_id", sorted(p.id for p in WIPO.parties))
def test_show_keeps_every_id_on_one_line(party_id: str) -> None:
    output = _output("show", party_id)
    for other in _ends(party_id):
        assert other in output, f"{other} split in `show {party_id}`:\n{output}"


def test_chain_and_responsible_keep_ids_whole() -> None:
    chain = _output("chain", "country-security-team-switzerland")
    responsible = _output("responsible", "wipo-personnel")
    assert "country-security-team-switzerland" in chain
    assert "designated-official-switzerland" in responsible
    assert "switzerland-host-government" in responsible
