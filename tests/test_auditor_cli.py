"""The auditor's commands: audit (on broken copies of the WIPO dataset), diff, --explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from accountgraph._resources import default_dataset_path
from accountgraph.analysis import audit
from accountgraph.cli import cli
from accountgraph.dataset import load_dataset
from accountgraph.dataset.load import examine_carefully
from accountgraph.dataset.write import write_bulk
from accountgraph.errors import DatasetError

WIDE = {"COLUMNS": "250"}


def run(*args: str) -> Result:
    return CliRunner(env=WIDE).invoke(cli, list(args))


def wipo_text() -> str:
    return default_dataset_path().read_text(encoding="utf-8")


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = wipo_text()
    assert old in text, old
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_wipo_audit_passes_with_warnings_and_information() -> None:
    result = run("audit")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Audit of wipo-a46-11: 0 errors, ")
    assert "reports-without-accountability" in result.output
    assert "single-point-of-accountability" in result.output


CYCLE = (
    "  - from: wipo-director-general\n    relation: ACCOUNTABLE_TO\n    to: wipo-member-states\n",
    "  - from: wipo-director-general\n    relation: ACCOUNTABLE_TO\n    to: wipo-personnel\n",
)
ORPHAN = (
    "  - from: wipo-personnel\n    relation: ACCOUNTABLE_TO\n    to: wipo-director-general\n",
    "  - from: wipo-personnel\n    relation: REPORTS_TO\n    to: wipo-director-general\n",
)
DELEGATION_OUTSIDE_ACCOUNTABILITY = (
    "  - from: wipo-sscs\n    relation: ACCOUNTABLE_TO\n    to: wipo-head-sscs\n",
    "  - from: wipo-sscs\n    relation: REPORTS_TO\n    to: wipo-head-sscs\n",
)


CHAIR_NOT_MEMBER = (
    "    relation: CHAIRS\n    to: smg-switzerland\n",
    "    relation: CHAIRS\n    to: sag-switzerland\n",
)


DUTY_WITHOUT_HOLDER = (
    "  - code: III.C(f)\n    holder: wipo-head-sscs\n",
    "  - code: III.C(f)\n    holder: wipo-head-of-sscs\n",
)


@pytest.mark.parametrize(
    ("change", "check", "parties", "section"),
    [
        (DUTY_WITHOUT_HOLDER, "duty-without-holder", ["wipo-head-of-sscs"], "III.C(f)"),
        (CYCLE, "accountability-cycle", ["wipo-director-general", "wipo-personnel"], "III.A.1"),
        (ORPHAN, "no-accountability-chain", ["wipo-personnel"], None),
        (
            DELEGATION_OUTSIDE_ACCOUNTABILITY,
            "delegation-outside-accountability",
            ["wipo-head-sscs", "wipo-sscs"],
            "III.C(b)",
        ),
        (
            CHAIR_NOT_MEMBER,
            "chair-not-member",
            ["designated-official-switzerland", "sag-switzerland"],
            "I(d)",
        ),
    ],
)
def test_a_broken_copy_fails_the_audit_naming_check_parties_and_section(
    tmp_path: Path,
    change: tuple[str, str],
    check: str,
    parties: list[str],
    section: str | None,
) -> None:
    path = broken_copy(tmp_path, *change)
    result = run("audit", str(path), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    [finding] = [f for f in errors if f["check"] == check]
    assert set(parties) <= set(finding["parties"])
    if section:
        assert section in finding["sections"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_every_reader_lets_a_broken_copy_through_for_the_audit(tmp_path: Path, fmt: str) -> None:
    path = broken_copy(tmp_path, *CYCLE)
    text = path.read_text(encoding="utf-8")
    careful, problems = examine_carefully(text, str(path), enforce_rules=False)
    assert problems == []
    assert careful is not None
    assert "accountability-cycle" in {f.check for f in audit(careful)}
    assert examine_carefully(text, str(path))[0] is None
    directory = tmp_path / fmt
    write_bulk(careful, directory, fmt)
    bulk = load_dataset(directory, enforce_rules=False)
    assert "accountability-cycle" in {f.check for f in audit(bulk)}
    with pytest.raises(DatasetError, match="accountability-cycle"):
        load_dataset(directory)


def test_a_copy_the_format_forbids_is_refused_not_audited(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "  - id: wipo-personnel\n", "  - id: wipo-sscs\n")
    result = run("audit", str(path))
    assert result.exit_code == 1
    assert "Audit of" not in result.output
    assert f"{path}:" in result.output
    assert 'party id "wipo-sscs" is defined twice' in result.output
    assert "Traceback" not in result.output


def test_the_html_report_is_one_file(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = run("audit", "--format", "html", "--out", str(out))
    assert result.exit_code == 0
    assert result.output.startswith(f"{out}: 0 errors")
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "reports-without-accountability" in page


def test_audit_takes_a_dataset_or_a_store_not_both() -> None:
    result = run("audit", str(default_dataset_path()), "--store", "falkordb://h:1/g")
    assert result.exit_code == 1
    assert "not both" in result.output


def test_as_of_a_day_before_the_framework_everything_is_a_gap() -> None:
    before = run("audit", "--as-of", "2008-12-11", "--format", "json")
    assert before.exit_code == 1
    report = json.loads(before.output)
    assert report["findings"][0]["check"] == "duty-without-holder"


def test_a_chain_as_of_a_day_before_the_framework() -> None:
    result = run("chain", "wipo-head-sscs", "--as-of", "2008-12-11")
    assert result.exit_code == 1
    assert 'party "wipo-head-sscs" is not valid on 2008-12-11 (valid from 2008-12-12)' in (
        result.output
    )
    assert run("chain", "wipo-head-sscs", "--as-of", "2008-12-12").exit_code == 0


def test_diff_of_two_versions(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, *ORPHAN)
    result = run("diff", str(default_dataset_path()), str(path))
    assert result.exit_code == 0
    assert "  + wipo-personnel -REPORTS_TO-> wipo-director-general" in result.output
    assert "  - wipo-personnel -ACCOUNTABLE_TO-> wipo-director-general" in result.output
    as_json = json.loads(run("diff", str(default_dataset_path()), str(path), "--json").output)
    assert [e["relation"] for e in as_json["edges"]["added"]] == ["REPORTS_TO"]
    assert as_json["parties"] == {"added": [], "removed": [], "changed": []}


def test_diff_of_an_invalid_file_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    result = run("diff", str(default_dataset_path()), str(bad))
    assert result.exit_code == 1
    assert "nothing was loaded" in result.output


def test_explain_tells_each_step_with_its_clause() -> None:
    result = run("chain", "wipo-head-sscs", "--explain")
    assert result.exit_code == 0
    assert (
        "1. Head, Safety and Security Coordination Service is accountable to Director General "
        "of WIPO (A/46/11 III.A.1)." in result.output
    )
    in_json = json.loads(run("delegations", "wipo-director-general", "--json", "--explain").output)
    assert in_json[0]["explanation"] == [
        "Director General of WIPO delegates authority to Security Coordinator (WIPO) "
        "(scope: security) (A/46/11 III.A.1, III.A.3(f), III.B.1)."
    ]
