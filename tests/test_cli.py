"""The CLI, through click's runner, on the shipped dataset and on broken copies of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from accountgraph._resources import default_dataset_path
from accountgraph.cli import cli

WIDE = {"COLUMNS": "250"}


def run(*args: str) -> Result:
    return CliRunner(env=WIDE).invoke(cli, list(args), catch_exceptions=False)


def test_check_passes_on_the_shipped_dataset() -> None:
    result = run("check")
    assert result.exit_code == 0
    assert "valid — 26 parties, 63 edges, 32 responsibilities" in result.output


def test_check_fails_with_line_numbers_on_a_broken_copy(tmp_path: Path) -> None:
    text = default_dataset_path().read_text(encoding="utf-8")
    broken = text.replace("relation: APPOINTS", "relation: APPOINT", 1).replace(
        "to: csa-switzerland", "to: csa-geneva", 1
    )
    lines = broken.splitlines()
    appoint_line = next(i for i, line in enumerate(lines, 1) if "relation: APPOINT" in line)
    unknown_line = next(i for i, line in enumerate(lines, 1) if "to: csa-geneva" in line)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")

    result = run("check", str(path))

    assert result.exit_code == 1
    assert f"broken.yaml:{appoint_line}:" in result.output
    assert 'unknown relation "APPOINT"' in result.output
    assert f"broken.yaml:{unknown_line}:" in result.output
    assert 'no party "csa-geneva"; did you mean "csa-switzerland"' in result.output
    assert "Traceback" not in result.output


def test_check_json_lists_problems(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    text = default_dataset_path().read_text(encoding="utf-8")
    path.write_text(text.replace("id: un-dss", "id: ceb", 1), encoding="utf-8")
    result = run("check", str(path), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    assert any(p["id"] == "ceb" and "defined twice" in p["message"] for p in report["problems"])


def test_check_names_a_missing_file(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "nope.yaml" in result.output


def test_chain_of_the_designated_official_reaches_the_secretary_general() -> None:
    result = run("chain", "designated-official-switzerland")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Under-Secretary-General for Safety and Security" in out
    assert "Secretary-General of the United Nations" in out
    assert "I(b)" in out
    assert "preamble 2, I(a), I(b)" in out


def test_chain_json_is_the_path_with_its_citations() -> None:
    result = run("chain", "designated-official-switzerland", "--json")
    chains = json.loads(result.output)
    assert [n["id"] for n in chains[0]["nodes"]] == [
        "designated-official-switzerland",
        "usg-safety-security",
        "un-secretary-general",
    ]
    assert chains[0]["edges"][0]["sources"][0]["section"] == "I(b)"
    assert chains[0]["edges"][0]["relation"] == "ACCOUNTABLE_TO"


def test_chain_in_chinese() -> None:
    result = run("chain", "wipo-head-sscs", "--lang", "zh")
    assert "安全与保安处长" in result.output
    assert "成员国" in result.output


def test_chain_of_a_party_accountable_to_no_one_shows_its_reporting_line() -> None:
    result = run("chain", "csa-switzerland")
    assert result.exit_code == 0
    assert "accountable to no one in this graph" in result.output
    assert "Designated Official for Switzerland (I(c))" in result.output


def test_unknown_id_is_named_with_suggestions() -> None:
    result = CliRunner(env=WIDE).invoke(cli, ["show", "wipo-director-generl"])
    assert result.exit_code == 1
    assert 'no party "wipo-director-generl"; did you mean "wipo-director-general"' in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["chain", "delegations"])
def test_unknown_id_in_path_commands(command: str) -> None:
    result = CliRunner(env=WIDE).invoke(cli, [command, "nobody"])
    assert result.exit_code == 1
    assert 'no party "nobody"' in result.output


def test_show_lists_duties_and_edges_with_sections() -> None:
    result = run("show", "wipo-security-coordinator")
    assert result.exit_code == 0
    out = result.output
    assert "III.B.2(h)" in out
    assert "Assistant Director General or higher" in out
    assert "member of" in out
    assert "Security Advisory Group (Switzerland)" in out


def test_show_json() -> None:
    result = run("show", "smg-switzerland", "--json")
    shown = json.loads(result.output)
    assert shown["party"]["kind"] == "body"
    chairs = [e for e in shown["edges"] if e["relation"] == "CHAIRS"]
    assert [(e["from"], e["sources"][0]["section"]) for e in chairs] == [
        ("designated-official-switzerland", "I(d)")
    ]
    facts = {f["name"]: f["value"] for f in shown["party"]["facts"]}
    assert facts["meets"] == "at least once a year"


def test_delegations_of_the_director_general_end_at_the_service_and_contractor() -> None:
    result = run("delegations", "wipo-director-general", "--scope", "security", "--json")
    ends = sorted(p["nodes"][-1]["id"] for p in json.loads(result.output))
    assert ends == ["wipo-guard-contractor", "wipo-security-coordinator", "wipo-sscs"]


def test_delegations_of_an_unknown_scope_are_none() -> None:
    result = run("delegations", "wipo-director-general", "--scope", "finance")
    assert result.exit_code == 0
    assert "delegates nothing of scope 'finance'" in result.output


def test_paths_over_chosen_relations() -> None:
    result = run(
        "paths", "wipo-personnel", "wipo-member-states", "--via", "ACCOUNTABLE_TO", "--json"
    )
    found = json.loads(result.output)
    assert [[n["id"] for n in p["nodes"]] for p in found] == [
        ["wipo-personnel", "wipo-director-general", "wipo-member-states"]
    ]


def test_paths_explains_when_there_are_none() -> None:
    result = run("paths", "wipo-member-states", "wipo-personnel", "--via", "ACCOUNTABLE_TO")
    assert result.exit_code == 0
    assert "No path from wipo-member-states to wipo-personnel over ACCOUNTABLE_TO" in result.output


def test_bad_depth_is_an_error_not_a_traceback() -> None:
    result = CliRunner(env=WIDE).invoke(cli, ["chain", "wipo-personnel", "--max-depth", "0"])
    assert result.exit_code == 1
    assert "maxDepth=0 is not allowed" in result.output


def test_data_option_reads_another_dataset(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    text = default_dataset_path().read_text(encoding="utf-8")
    path.write_text(text.replace("en: Member States of WIPO,", "en: WIPO Member States,"), "utf-8")
    result = run("chain", "wipo-personnel", "--data", str(path))
    assert "WIPO Member States" in result.output


def test_a_broken_dataset_stops_every_command_with_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("format: accountgraph/1\nname: x\n", encoding="utf-8")
    result = CliRunner(env=WIDE).invoke(cli, ["chain", "wipo-personnel", "--data", str(path)])
    assert result.exit_code == 1
    assert "nothing was loaded" in result.output
    assert "Traceback" not in result.output
