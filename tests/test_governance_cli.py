"""Governance from the terminal: `load --store sqlite:///…`, `token`, `propose`, `approve`,
`reject`, `withdraw`, `show-change`, `log`, `log verify` and `export --format dataset`,
through click's runner on real SQLite files."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from accountgraph.cli import cli
from accountgraph.dataset import load_dataset
from accountgraph.governance.change_set import Status, canonical_json
from accountgraph.governance.tokens import token_hash
from accountgraph.model import Dataset, Direction, Relation
from accountgraph.model_json import edge_json, party_json, responsibility_json
from accountgraph.store.memory import MemoryStore
from accountgraph.store.sqlite import SqliteStore
from tests.conftest import fresh_store_url

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APPOINT = EXAMPLES / "appoint-security-coordinator.yaml"
REPLACE = EXAMPLES / "replace-security-coordinator.yaml"
ROLE = "wipo-security-coordinator"
TOKEN_LINE = re.compile(r"^agt_[A-Za-z0-9_-]{43}\n$")


@dataclass
class Office:
    """A SQLite store holding the WIPO graph, and the tokens of the people who run it."""

    store: str
    directory: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, token: str | None = None, store: str | None = None) -> Result:
        env = {
            "ACCOUNTGRAPH_STORE": store or self.store,
            "ACCOUNTGRAPH_TOKEN": None if token is None else self.tokens.get(token, token),
            "ACCOUNTGRAPH_TOKEN_FILE": None,
        }
        return CliRunner().invoke(cli, list(args), env=env)

    def propose(self, path: Path, author: str, *extra: str) -> str:
        result = self.run("propose", str(path), *extra, token=author)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    def approve(self, change_set_id: str, approver: str) -> Result:
        result = self.run("approve", change_set_id, token=approver)
        assert result.exit_code == 0, result.output
        return result

    def write(self, name: str, text: str) -> Path:
        path = self.directory / name
        path.write_text(text, encoding="utf-8")
        return path

    def snapshot(self, *, as_of: dt.date | None = None, store: str | None = None) -> Dataset:
        return asyncio.run(_snapshot(SqliteStore(store or self.store), as_of))

    def change_sets(self) -> list[tuple[str, Status]]:
        async def read() -> list[tuple[str, Status]]:
            store = SqliteStore(self.store)
            try:
                return [(c.title, c.status) for c in await store.change_sets()]
            finally:
                await store.close()

        return asyncio.run(read())


async def _snapshot(store: SqliteStore | MemoryStore, as_of: dt.date | None) -> Dataset:
    try:
        return await store.snapshot(as_of=as_of)
    finally:
        await store.close()


def _records(dataset: Dataset) -> set[str]:
    """A dataset's parties, edges and duties as canonical JSON: equal when the datasets
    hold the same things, whatever their order."""
    return (
        {"party " + canonical_json(party_json(p)) for p in dataset.parties}
        | {"edge " + canonical_json(edge_json(e)) for e in dataset.edges}
        | {"duty " + canonical_json(responsibility_json(d)) for d in dataset.responsibilities}
    )


def _differences(left: Dataset, right: Dataset) -> tuple[set[str], set[str]]:
    """What only ``left`` holds, and what only ``right`` holds."""
    mine, theirs = _records(left), _records(right)
    return mine - theirs, theirs - mine


@pytest.fixture
def office(tmp_path: Path) -> Office:
    store = f"sqlite:///{tmp_path}/graph.db"
    loaded = CliRunner().invoke(cli, ["load", "--store", store])
    assert loaded.exit_code == 0, loaded.output
    office = Office(store, tmp_path)
    for name, role in (
        ("alice", "editor"),
        ("bob", "approver"),
        ("carol", "approver"),
        ("dora", "admin"),
    ):
        created = office.run("token", "create", "--name", name, "--role", role)
        assert created.exit_code == 0, created.output
        office.tokens[name] = created.stdout.strip()
    return office


# --- load and tokens ----------------------------------------------------------------------


def test_load_puts_the_dataset_in_a_sqlite_file_once(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/fresh.db"
    first = CliRunner().invoke(cli, ["load", "--store", store])
    assert first.exit_code == 0, first.output
    assert "now holds dataset 'wipo-a46-11': 26 parties, 63 edges, 32 duties" in first.stdout
    again = CliRunner().invoke(cli, ["load", "--store", store])
    assert again.exit_code == 0
    assert "holds dataset 'wipo-a46-11' already; nothing changed" in again.stdout
    assert len(asyncio.run(_snapshot(SqliteStore(store), None)).parties) == 26


def test_load_into_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["load", "--store", f"sqlite:///{tmp_path}/no/such.db"])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output


def test_a_token_is_printed_once_alone_and_the_store_keeps_only_its_hash(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/graph.db"
    CliRunner().invoke(cli, ["load", "--store", store])
    office = Office(store, tmp_path)
    created = office.run("token", "create", "--name", "erin", "--role", "editor")
    assert created.exit_code == 0, created.output
    assert TOKEN_LINE.match(created.stdout)
    token = created.stdout.strip()
    assert "shown this once" in created.stderr
    assert token not in created.stderr
    assert token.encode() not in (tmp_path / "graph.db").read_bytes()

    listed = office.run("token", "list")
    assert listed.exit_code == 0
    assert re.search(
        r"erin\s+│\s+editor\s+│\s+\d{4}-\d\d-\d\dT[\d:]+\+00:00\s+│\s+active", listed.stdout
    )
    assert token_hash(token) not in listed.stdout
    as_json = json.loads(office.run("token", "list", "--json").stdout)
    assert as_json == [
        {
            "name": "erin",
            "role": "editor",
            "created_at": as_json[0]["created_at"],
            "revoked_at": None,
        }
    ]
    with_hashes = json.loads(office.run("token", "list", "--json", "--hashes").stdout)
    assert with_hashes[0]["sha256"] == token_hash(token)


def test_a_revoked_token_is_refused_with_a_plain_message(office: Office) -> None:
    revoked = office.run("token", "revoke", "alice")
    assert revoked.exit_code == 0
    assert revoked.stdout == "Revoked the token of 'alice' (editor).\n"
    listed = json.loads(office.run("token", "list", "--json").stdout)
    assert [t["name"] for t in listed if t["revoked_at"] is not None] == ["alice"]
    refused = office.run("propose", str(APPOINT), token="alice")
    assert refused.exit_code == 1
    assert "the token of 'alice' was revoked on" in refused.stderr
    assert "(the token in ACCOUNTGRAPH_TOKEN)" in refused.stderr
    assert office.tokens["alice"] not in refused.output
    again = office.run("token", "revoke", "alice")
    assert again.exit_code == 1
    assert "'alice' has no active token" in again.stderr


def test_one_active_token_a_name_and_names_are_checked(office: Office) -> None:
    twice = office.run("token", "create", "--name", "bob", "--role", "admin")
    assert twice.exit_code == 1
    assert "'bob' has an active token already: revoke it first" in twice.stderr
    bad = office.run("token", "create", "--name", "bad/name", "--role", "reader")
    assert bad.exit_code == 1
    assert "'bad/name' cannot name a token" in bad.stderr
    assert twice.stdout == bad.stdout == ""


# --- who may change the graph --------------------------------------------------------------


def test_changing_the_graph_needs_a_token(office: Office) -> None:
    result = office.run("propose", str(APPOINT))
    assert result.exit_code == 1
    assert "propose needs your token: set ACCOUNTGRAPH_TOKEN or give --token-file FILE" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-token", "the token is not an accountgraph token (agt_…)"),
        ("agt_" + "A" * 43, "the token is not known here"),
    ],
)
def test_a_wrong_token_is_refused_without_being_repeated(
    office: Office, token: str, message: str
) -> None:
    result = office.run("propose", str(APPOINT), token=token)
    assert result.exit_code == 1
    assert message in result.stderr
    assert token not in result.output
    assert "Traceback" not in result.output
    assert office.change_sets() == []


def test_a_role_that_may_not_approve_is_told_so(office: Office) -> None:
    change_set = office.propose(APPOINT, "alice")
    result = office.run("approve", change_set, token="alice")
    assert result.exit_code == 1
    assert result.stderr == "Error: 'alice' is an editor: to approve takes an approver or above\n"


def test_the_token_can_come_from_a_file(office: Office) -> None:
    token_file = office.directory / "alice.token"
    token_file.write_text(office.tokens["alice"] + "\n", encoding="utf-8")
    token_file.chmod(stat.S_IRUSR | stat.S_IWUSR)
    result = office.run("propose", str(APPOINT), "--token-file", str(token_file))
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stderr
    token_file.chmod(0o644)
    shared = office.run("propose", str(APPOINT), "--token-file", str(token_file), "--draft")
    assert shared.exit_code == 0, shared.output
    assert f"Warning: other users of this machine may read {token_file}" in shared.stderr
    assert sorted(status for _, status in office.change_sets()) == [Status.DRAFT, Status.PROPOSED]


def test_the_memory_store_says_which_store_to_use(office: Office) -> None:
    for args in (
        ("propose", str(APPOINT)),
        ("approve", "cs-0123456789"),
        ("token", "create", "--name", "x", "--role", "reader"),
        ("log",),
    ):
        result = office.run(*args, token="alice", store="memory")
        assert result.exit_code == 1, args
        assert "the memory store keeps none: give --store sqlite:///path/graph.db" in (
            result.stderr
        )
        assert "accountgraph load --store sqlite:///path/graph.db" in result.stderr


# --- the worked example: the Security Coordinator replaced --------------------------------


def test_the_security_coordinator_replaced(office: Office) -> None:
    appointed = office.propose(APPOINT, "alice")
    office.approve(appointed, "bob")
    replacement = office.propose(REPLACE, "alice")
    shown = office.run("show-change", replacement)
    assert shown.exit_code == 0, shown.output
    assert "status    proposed" in shown.stdout
    assert "basis     A/46/11 III.A.3(f); DG Office Instruction 12/2026" in shown.stdout
    assert "What it would change on the graph as it stands (log position 1)" in shown.stdout
    assert (
        "  + added edge wipo-ddg-administration ─SERVES_AS→ wipo-security-coordinator  "
        "(valid from 2027-01-01; III.A.3(f), III.B.1)" in shown.stdout
    )
    assert (
        "  − retired edge wipo-adg-administration ─SERVES_AS→ wipo-security-coordinator  "
        "(until 2026-12-31; was valid from 2026-03-01)" in shown.stdout
    )

    applied = office.approve(replacement, "carol")
    assert f"Applied {replacement} “Replace the Security Coordinator”, approved by carol" in (
        applied.stdout
    )
    assert "log entry 2, effective 2027-01-01" in applied.stdout

    def holders(day: dt.date) -> list[str]:
        graph = office.snapshot(as_of=day)
        return sorted(
            e.source for e in graph.edges if e.target == ROLE and e.relation is Relation.SERVES_AS
        )

    assert holders(dt.date(2026, 2, 28)) == []
    assert holders(dt.date(2026, 12, 31)) == ["wipo-adg-administration"]
    assert holders(dt.date(2027, 1, 1)) == ["wipo-ddg-administration"]

    after = office.run("show-change", replacement)
    assert "approved by carol (log entry 2)" in after.stdout
    assert "What it changed (log entry 2, effective 2027-01-01):" in after.stdout
    assert "  − retired edge wipo-adg-administration ─SERVES_AS→" in after.stdout


def test_show_change_as_json(office: Office) -> None:
    proposed = office.propose(APPOINT, "alice")
    preview = json.loads(office.run("show-change", proposed, "--json").stdout)
    assert preview["change_set"]["status"] == "proposed"
    assert preview["diff_of"] == "preview"
    assert [c["before"] for c in preview["diff"]["edges"]] == [None]
    assert preview["diff"]["edges"][0]["after"]["valid_from"] == "2026-03-01"
    office.approve(proposed, "bob")
    applied = json.loads(office.run("show-change", proposed, "--json").stdout)
    assert applied["diff_of"] == "applied"
    assert applied["diff"] == preview["diff"]
    assert applied["change_set"]["decided_by"] == "bob"
    assert re.fullmatch(r"[0-9a-f]{64}", applied["log_hash"])
    unknown = office.run("show-change", "cs-0000000000")
    assert unknown.exit_code == 1
    assert unknown.stderr == "Error: no change set 'cs-0000000000'\n"


def test_a_draft_is_proposed_later_by_its_id(office: Office) -> None:
    drafted = office.run("propose", str(APPOINT), "--draft", token="alice")
    assert drafted.exit_code == 0, drafted.output
    draft = drafted.stdout.strip()
    assert f"Propose it with `accountgraph propose {draft}`." in drafted.stderr
    early = office.run("approve", draft, token="bob")
    assert early.exit_code == 1
    assert f"change set {draft} is draft; only a proposed change set can be approved" in (
        early.stderr
    )
    assert "rule: state" in early.stderr
    proposed = office.run("propose", draft, token="alice")
    assert proposed.exit_code == 0, proposed.output
    assert proposed.stdout == f"{draft}\n"
    office.approve(draft, "bob")


def test_reject_needs_a_reason_and_withdraw_is_for_the_author(office: Office) -> None:
    first = office.propose(APPOINT, "alice")
    no_reason = office.run("reject", first, token="bob")
    assert no_reason.exit_code == 2
    assert "Missing option '--reason'" in no_reason.stderr
    rejected = office.run("reject", first, "--reason", "Wrong office", token="bob")
    assert rejected.exit_code == 0, rejected.output
    assert rejected.stdout == f"Rejected {first} “{_title(APPOINT)}”: Wrong office\n"
    shown = office.run("show-change", first).stdout
    assert "status    rejected" in shown
    assert "by bob: Wrong office" in shown
    assert "It was rejected: it changed nothing." in shown

    second = office.propose(APPOINT, "alice")
    not_author = office.run("withdraw", second, token="bob")
    assert not_author.exit_code == 1
    assert f"only its author ('alice') may withdraw change set {second}" in not_author.stderr
    withdrawn = office.run("withdraw", second, token="alice")
    assert withdrawn.exit_code == 0
    assert withdrawn.stdout == f"Withdrew {second} “{_title(APPOINT)}”.\n"
    assert office.run("approve", second, token="bob").exit_code == 1
    assert sorted(status for _, status in office.change_sets()) == sorted(
        [Status.REJECTED, Status.WITHDRAWN]
    )


def _title(path: Path) -> str:
    match = re.search(r"^title: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match is not None
    return match.group(1)


# --- refusals ------------------------------------------------------------------------------


def test_four_eyes(office: Office) -> None:
    own = office.propose(APPOINT, "bob")
    result = office.run("approve", own, token="bob")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: 'bob' drafted change set {own} and may not approve it: a change set needs "
        "a second person (four eyes)",
        "  rule: four-eyes",
        f"  change set: {own}",
    ]
    reject_own = office.run("reject", own, "--reason", "no", token="bob")
    assert reject_own.exit_code == 1
    assert "rule: four-eyes" in reject_own.stderr
    assert office.change_sets() == [(_title(APPOINT), Status.PROPOSED)]


def test_a_conflict_names_the_change_set_applied_first(office: Office) -> None:
    first, second = (
        office.write(
            f"aliases-{n}.yaml",
            f"""\
title: Aliases of the Service, take {n}
reason: testing conflicts
basis: {{decision: Test {n}/2026}}
effective: 2027-02-01
operations:
  - op: change-party
    id: wipo-sscs
    aliases: [SSCS, take {n}]
""",
        )
        for n in (1, 2)
    )
    one, two = office.propose(first, "alice"), office.propose(second, "alice")
    office.approve(one, "bob")
    result = office.run("approve", two, token="carol")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: change set {one} ('Aliases of the Service, take 1'), applied after this one "
        "was drafted, changed wipo-sscs too: draft it again on the graph as it now stands",
        "  rule: conflict",
        "  parties: wipo-sscs",
        f"  change set: {two}",
    ]
    graph = office.snapshot()
    assert next(p for p in graph.parties if p.id == "wipo-sscs").aliases == ("SSCS", "take 1")


def test_a_bad_change_set_file_is_told_line_by_line(office: Office) -> None:
    path = office.write(
        "broken.yaml",
        """\
title: Broken on purpose
reason: to see the lines
basis: {decision: Test 1/2026}
effective: 2027-02-30
operations:
  - op: add-party
    party:
      id: Not_An_Id
      kind: office
      name: {en: Someone}
  - op: retire-edge
    from: wipo-head-sscs
    relation: REPORTS_TOO
    to: wipo-director-general
  - op: retire-partyy
    id: wipo-sscs
  - op: add-edge
    edge:
      from: wipo-head-sscs
      relation: ADVISES
      to: wipo-sscs
""",
    )
    result = office.run("propose", str(path), token="alice")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}: 5 problems; nothing was proposed",
        f"  {path}:4: effective: '2027-02-30' is not a date: day is out of range for month",
        f'  {path}:8: operation 1 (add-party): party.id: "Not_An_Id" is not a valid id; use '
        'lower-case words joined by "-"',
        f'  {path}:13: operation 2 (retire-edge): relation: unknown "REPORTS_TOO" (did you '
        f'mean "REPORTS_TO"?); expected one of {_RELATIONS}',
        f'  {path}:15: operation 3 (retire-partyy): op: unknown "retire-partyy" (did you mean '
        '"retire-party"?); expected one of add-party, change-party, retire-party, add-edge, '
        "retire-edge, correct-citation, add-duty, retire-duty",
        f'  {path}:18: operation 4 (add-edge): edge has no citation: add "cite" with at least '
        "one {section, text}",
    ]
    assert office.change_sets() == []


_RELATIONS = ", ".join(relation.value for relation in Relation)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; expected title, reason, basis, effective and operations"),
        ("- a list\n", "1: expected a mapping with title, reason, basis"),
        ("title: [unclosed\n", "problem"),
        (
            "title: t\nreason: r\nbasis: {documnt: A/46/11}\neffective: 2027-01-01\n"
            "operations: [{op: retire-party, id: wipo-sscs}]\n",
            '3: basis: unknown field "documnt" (did you mean "document"?)',
        ),
        (
            "title: t\nreason: r\nbasis: {decision: d}\neffective: 2027-01-01\n"
            "operations: [{op: change-party, id: wipo-sscs}]\n",
            "5: operation 1 (change-party) changes nothing",
        ),
        (
            "title: t\ntitle: u\nreason: r\nbasis: {decision: d}\neffective: 2027-01-01\n"
            "operations: [{op: retire-party, id: wipo-sscs}]\n",
            '2: duplicate key "title" (first at line 1)',
        ),
    ],
)
def test_what_is_wrong_with_a_change_set_file(office: Office, text: str, message: str) -> None:
    path = office.write("changes.yaml", text)
    result = office.run("propose", str(path), token="alice")
    assert result.exit_code == 1
    assert message in result.stderr
    assert "nothing was proposed" in result.stderr
    assert "Traceback" not in result.output


def test_a_change_set_file_that_is_not_a_file(office: Office) -> None:
    result = office.run("propose", str(office.directory), token="alice")
    assert result.exit_code == 1
    assert "cannot read a directory" in result.stderr
    missing = office.run("propose", str(office.directory / "nope.yaml"), token="alice")
    assert missing.exit_code == 1
    assert "nope.yaml: cannot read the file: No such file or directory" in missing.stderr


def test_an_operation_refused_points_at_its_line(office: Office) -> None:
    path = office.write(
        "refused.yaml",
        """\
title: Appoint someone to a party that is not there
reason: testing refusals
basis: {document: A/46/11, section: III.A.3(f)}
effective: 2027-01-01
operations:
  - op: add-party
    party: {id: wipo-new-office, kind: office, name: {en: New office}}
  - op: add-edge
    edge:
      from: wipo-new-office
      relation: SERVES_AS
      to: wipo-nobody
      cite: [{section: III.A.3(f), text: {en: Designates a person as Security Coordinator;}}]
""",
    )
    result = office.run("propose", str(path), token="alice")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path}:8: operation 2 (add-edge): no party 'wipo-nobody'",
        "  rule: operation",
        "  parties: wipo-nobody",
        "  operation 2: add-edge wipo-new-office ─SERVES_AS→ wipo-nobody",
    ]
    assert office.change_sets() == []


def test_a_broken_rule_points_at_the_operation_of_its_parties(office: Office) -> None:
    path = office.write(
        "cycle.yaml",
        """\
title: Make the Director General accountable to the Security Coordinator
reason: testing the rule book
basis: {decision: Test 3/2026}
effective: 2027-01-01
operations:
  - op: change-party
    id: wipo-sscs
    aliases: [SSCS]
  - op: add-edge
    edge:
      from: wipo-director-general
      relation: ACCOUNTABLE_TO
      to: wipo-security-coordinator
      cite: [{section: III.A.1, text: {en: a cycle}}]
""",
    )
    result = office.run("propose", str(path), token="alice")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Error: {path}:9: ")
    assert lines[1] == "  rule: accountability-cycle"
    assert lines[2] == "  parties: wipo-director-general, wipo-security-coordinator"


# --- the log -------------------------------------------------------------------------------


def _two_applied(office: Office) -> tuple[str, str]:
    appointed = office.propose(APPOINT, "alice")
    office.approve(appointed, "bob")
    replaced = office.propose(REPLACE, "alice")
    office.approve(replaced, "carol")
    return appointed, replaced


def test_the_log_lists_what_was_applied(office: Office) -> None:
    empty = office.run("log")
    assert empty.exit_code == 0
    assert empty.stdout == "No log entry.\n"
    appointed, replaced = _two_applied(office)
    log = office.run("log").stdout
    first, second = log.split("#2  ")
    assert first.startswith("#1  ")
    assert appointed in first
    assert "by alice, approved by bob; effective 2026-03-01" in first
    assert "basis: A/46/11 III.A.3(f); DG Office Instruction 3/2026" in first
    assert replaced in second
    assert "by alice, approved by carol; effective 2027-01-01" in second
    assert "  + added party wipo-ddg-administration (office)" in second
    assert "  − retired edge wipo-adg-administration ─SERVES_AS→" in second

    only_old = office.run("log", "--party", "wipo-adg-administration", "--json").stdout
    assert [json.loads(line)["position"] for line in only_old.splitlines()] == [1, 2]
    only_new = office.run("log", "--party", "wipo-ddg-administration", "--json").stdout
    assert [json.loads(line)["position"] for line in only_new.splitlines()] == [2]
    today = dt.datetime.now(dt.UTC).date()
    since_today = office.run("log", "--since", today.isoformat(), "--json").stdout
    assert len(since_today.splitlines()) == 2
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert (
        office.run("log", "--since", tomorrow).stdout == f"No log entry applied since {tomorrow}.\n"
    )
    bad_day = office.run("log", "--since", "2027-13-01")
    assert bad_day.exit_code == 2


def test_log_verify_on_the_store_and_on_an_export(office: Office) -> None:
    _two_applied(office)
    intact = office.run("log", "verify")
    assert intact.exit_code == 0
    exported = office.run("log", "--json").stdout
    entries = [json.loads(line) for line in exported.splitlines()]
    head = entries[-1]["hash"]
    assert intact.stdout == f"the log: intact, 2 entries, head {head}\n"

    export = office.write("log.jsonl", exported)
    verified = office.run("log", "verify", "--file", str(export))
    assert verified.exit_code == 0
    assert verified.stdout == f"{export}: intact, 2 entries, head {head}\n"

    tampered = [dict(entry) for entry in entries]
    tampered[1]["change_set"] = {**tampered[1]["change_set"], "author": "mallory"}
    edited = office.write("edited.jsonl", "".join(json.dumps(e) + "\n" for e in tampered))
    refused = office.run("log", "verify", "--file", str(edited))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {edited}: entry 2 (line 2) does not match: its content does not match its "
        f"hash; the entry before it is intact (head {entries[0]['hash']})\n"
    )

    rehashed = office.write(
        "rehashed.jsonl", json.dumps({**entries[0], "hash": "0" * 64}) + "\n" + exported
    )
    first_broken = office.run("log", "verify", "--file", str(rehashed))
    assert first_broken.exit_code == 1
    assert f"{rehashed}: entry 1 (line 1) does not match: its content does not match" in (
        first_broken.stderr
    )

    dropped = office.write("dropped.jsonl", exported.splitlines()[1] + "\n")
    missing = office.run("log", "verify", "--file", str(dropped))
    assert missing.exit_code == 1
    assert "entry 1 (line 1) does not match: expected entry 1, found 2" in missing.stderr

    garbage = office.write("garbage.jsonl", exported + "not json\n")
    unreadable = office.run("log", "verify", "--file", str(garbage))
    assert unreadable.exit_code == 1
    assert f"{garbage}:3: not JSON" in unreadable.stderr


def test_the_stored_log_is_checked_too(office: Office) -> None:
    import sqlite3

    _two_applied(office)
    database = office.directory / "graph.db"
    with sqlite3.connect(database) as db:
        entry = json.loads(db.execute("SELECT entry FROM log WHERE position = 2").fetchone()[0])
        entry["change_set"]["decided_by"] = "mallory"
        db.execute("UPDATE log SET entry = ? WHERE position = 2", (json.dumps(entry),))
    db.close()
    result = office.run("log", "verify")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: the log: entry 2 does not match: its content does not match its hash"
    )


# --- the graph as it stands, written back as a dataset -------------------------------------


def test_export_dataset_round_trip(office: Office) -> None:
    _two_applied(office)
    out = office.directory / "live.yaml"
    exported = office.run("export", "--format", "dataset", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    checked = CliRunner().invoke(cli, ["check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "valid — 28 parties, 65 edges, 32 responsibilities" in checked.stdout

    copy = f"sqlite:///{office.directory}/copy.db"
    loaded = CliRunner().invoke(cli, ["load", "--store", copy, str(out)])
    assert loaded.exit_code == 0, loaded.output
    from_file = load_dataset(out)
    for day in (None, dt.date(2026, 6, 1), dt.date(2027, 1, 1), dt.date(2008, 12, 11)):
        live = office.snapshot(as_of=day)
        assert _differences(office.snapshot(as_of=day, store=copy), live) == (set(), set()), day
        in_memory = asyncio.run(_snapshot(MemoryStore(from_file), day))
        assert _differences(in_memory, live) == (set(), set()), day

    async def holders(store: SqliteStore | MemoryStore) -> list[str]:
        try:
            edges = await store.edges(ROLE, Direction.IN, as_of=dt.date(2027, 1, 1))
            return sorted(e.source for e in edges if e.relation is Relation.SERVES_AS)
        finally:
            await store.close()

    assert asyncio.run(holders(MemoryStore(from_file))) == ["wipo-ddg-administration"]
    assert asyncio.run(holders(SqliteStore(copy))) == ["wipo-ddg-administration"]
    yaml_too = office.run("export", "--format", "yaml")
    assert yaml_too.stdout == out.read_text(encoding="utf-8")


def test_a_store_with_change_sets_keeps_its_dataset(office: Office) -> None:
    _two_applied(office)
    other = office.write("other.yaml", load_yaml_renamed())
    result = CliRunner().invoke(cli, ["load", "--store", office.store, str(other)])
    assert result.exit_code == 1
    assert "with 2 applied change sets on top of it" in result.stderr
    assert "accountgraph export --format dataset" in result.stderr


def load_yaml_renamed() -> str:
    text = (Path(__file__).resolve().parent.parent / "graph" / "wipo-a46-11.yaml").read_text(
        encoding="utf-8"
    )
    return text.replace("name: wipo-a46-11", "name: wipo-renamed", 1)


def test_no_token_reaches_the_process_list_or_the_output(office: Office) -> None:
    for name in ("propose", "approve", "reject", "withdraw", "show-change", "log", "token"):
        options = {opt for param in cli.commands[name].params for opt in param.opts}
        assert "--token" not in options, name
    change_set = office.propose(APPOINT, "alice")
    applied = office.approve(change_set, "bob")
    shown = office.run("show-change", change_set, "--json")
    log = office.run("log", "--json")
    for result in (applied, shown, log):
        for token in office.tokens.values():
            assert token not in result.output


def test_the_worked_example_on_falkordb(request: pytest.FixtureRequest, office: Office) -> None:
    """The same commands against a FalkorDB graph give the graph SQLite gives."""
    url = fresh_store_url(request, "falkordb", "cli")
    loaded = CliRunner().invoke(cli, ["load", "--store", url])
    assert loaded.exit_code == 0, loaded.output
    falkordb = Office(url, office.directory)
    for name, role in (("alice", "editor"), ("bob", "approver")):
        created = falkordb.run("token", "create", "--name", name, "--role", role)
        assert created.exit_code == 0, created.output
        falkordb.tokens[name] = created.stdout.strip()
    for example in (APPOINT, REPLACE):
        falkordb.approve(falkordb.propose(example, "alice"), "bob")
        office.approve(office.propose(example, "alice"), "bob")
    aliases = office.write(
        "aliases.yaml",
        "title: Another alias\nreason: r\nbasis: {decision: Test 4/2026}\n"
        "effective: 2027-02-01\noperations: [{op: change-party, id: wipo-sscs, aliases: [S]}]\n",
    )
    own = falkordb.propose(aliases, "bob")
    assert "rule: four-eyes" in falkordb.run("approve", own, token="bob").stderr

    verified = falkordb.run("log", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("the log: intact, 2 entries, head ")
    out = office.directory / "from-falkordb.yaml"
    assert falkordb.run("export", "--format", "dataset", "--out", str(out)).exit_code == 0
    assert CliRunner().invoke(cli, ["check", str(out)]).exit_code == 0
    for day in (None, dt.date(2026, 12, 31), dt.date(2027, 1, 1)):
        in_memory = asyncio.run(_snapshot(MemoryStore(load_dataset(out)), day))
        assert _differences(in_memory, office.snapshot(as_of=day)) == (set(), set()), day


def test_export_dataset_keeps_the_dates_of_duties(office: Office) -> None:
    moved = office.write(
        "duty.yaml",
        """\
title: The duty of III.C(a) moves to the Security Coordinator
reason: testing duties in the round trip
basis: {decision: Test 5/2026}
effective: 2027-03-01
operations:
  - op: retire-duty
    holder: wipo-head-sscs
    code: III.C(a)
  - op: add-duty
    duty: {code: III.C(a), holder: wipo-security-coordinator, text: {en: Advising.}}
""",
    )
    office.approve(office.propose(moved, "alice"), "bob")
    out = office.directory / "live.yaml"
    assert office.run("export", "--format", "dataset", "--out", str(out)).exit_code == 0
    in_memory = asyncio.run(_snapshot(MemoryStore(load_dataset(out)), None))
    assert _differences(in_memory, office.snapshot()) == (set(), set())
