"""Reading dataset YAML files: the model they load into and every problem they can have."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from accountgraph import _resources
from accountgraph.dataset import MAX_DATASET_BYTES, load_dataset, parse_dataset, validate_file
from accountgraph.dataset.yaml_compose import ALIAS_FLOOR, MAX_DEPTH
from accountgraph.errors import DatasetError, Problem
from accountgraph.model import (
    Citation,
    Dataset,
    Fact,
    PartyKind,
    Relation,
    Text,
    Validity,
)
from accountgraph.settings import Settings

VALID = """\
format: accountgraph/1
name: test-framework
title: {en: Test framework, zh: 测试框架}
document:
  symbol: A/46/11
  title: {en: Security accountability framework}
  date: 2008-12-12
  sections: [preamble 1, "I(a)", II, III.A.1, "III.A.3(f)", III.B.1]
  facts:
    - name: pages
      value: 12
      cite: {section: preamble 1, text: {en: Twelve pages.}}
parties:
  - id: member-states
    kind: government
    name: {en: Member States, zh: 成员国}
    apex: true
  - id: un-secretary-general
    kind: office
    name: {en: UN Secretary-General}
    aliases: [SG]
  - id: usg-safety-security
    kind: office
    name: {en: USG for Safety and Security}
    valid_from: 2005-01-01
    valid_to: 2030-12-31
  - id: wipo-director-general
    kind: office
    name: {en: Director General of WIPO, zh: WIPO 总干事}
    aliases: [DG]
    description: {en: Head of WIPO.}
    facts:
      - name: rank
        value: ADG or higher
        cite: {section: III.B.1, text: {en: at the level of ADG or higher}}
        note: {en: The document sets a floor only.}
edges:
  - from: usg-safety-security
    relation: ACCOUNTABLE_TO
    to: un-secretary-general
    valid_from: 2008-12-12
    valid_to: 2030-06-30
    cite:
      - {section: "I(a)", text: {en: The USG is accountable to the SG.}}
  - from: un-secretary-general
    relation: ACCOUNTABLE_TO
    to: member-states
    cite:
      - {section: II, text: {en: The SG is accountable to the Member States.}}
  - from: un-secretary-general
    relation: DELEGATES_TO
    to: usg-safety-security
    scope: security
    note: {en: Read as a delegation.}
    valid_from: 2008-12-12
    valid_to: 2030-06-30
    cite:
      - {section: III.A.1, text: {en: The SG delegates.}}
      - {document: A/46/12, section: "9", text: {en: Another document.}}
responsibilities:
  - code: "III.A.3(f)"
    holder: wipo-director-general
    text: {en: Ensure the safety of staff., zh: 确保工作人员安全。}
"""

USG_EDGE = "usg-safety-security -ACCOUNTABLE_TO-> un-secretary-general"
SG_EDGE = "un-secretary-general -ACCOUNTABLE_TO-> member-states"
DELEGATION_EDGE = "un-secretary-general -DELEGATES_TO-> usg-safety-security (security)"


def broken(old: str, new: str, text: str = VALID) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} is not unique in the text"
    return text.replace(old, new)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based number of the ``nth`` line of ``text`` that contains ``needle``.

    A needle ending in a newline only matches at the end of a line.
    """
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line + "\n"]
    return lines[nth - 1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dataset.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    """Write ``text`` to a file, load it, and return the problems it must be refused with."""
    path = write(tmp_path, text)
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert info.value.path == str(path)
    assert all(problem.file == str(path) for problem in info.value.problems)
    assert validate_file(path) == info.value.problems
    return info.value.problems


def only_problem(tmp_path: Path, text: str) -> Problem:
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- a valid file ------------------------------------------------------------------------


def test_valid_file_loads_into_the_model(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, VALID))

    assert dataset.name == "test-framework"
    assert dataset.title == Text({"en": "Test framework", "zh": "测试框架"})
    document = dataset.document
    assert document.symbol == "A/46/11"
    assert document.date == dt.date(2008, 12, 12)
    assert document.sections == ("preamble 1", "I(a)", "II", "III.A.1", "III.A.3(f)", "III.B.1")
    assert document.facts == (
        Fact("pages", 12, Citation("A/46/11", "preamble 1", Text({"en": "Twelve pages."}))),
    )

    assert [p.id for p in dataset.parties] == [
        "member-states",
        "un-secretary-general",
        "usg-safety-security",
        "wipo-director-general",
    ]
    states, sg, usg, dg = dataset.parties
    assert states.kind is PartyKind.GOVERNMENT
    assert states.apex
    assert not sg.apex
    assert sg.aliases == ("SG",)
    assert sg.description is None
    assert sg.validity == Validity()
    assert usg.validity == Validity(dt.date(2005, 1, 1), dt.date(2030, 12, 31))
    assert dg.name.get("zh") == "WIPO 总干事"
    assert dg.description == Text({"en": "Head of WIPO."})
    rank = dg.fact("rank")
    assert rank is not None
    assert rank.value == "ADG or higher"
    assert rank.citation == Citation(
        "A/46/11", "III.B.1", Text({"en": "at the level of ADG or higher"})
    )
    assert rank.note == Text({"en": "The document sets a floor only."})


def test_edges_and_responsibilities_keep_file_order_and_defaults(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, VALID))

    assert [(e.source, e.relation, e.target) for e in dataset.edges] == [
        ("usg-safety-security", Relation.ACCOUNTABLE_TO, "un-secretary-general"),
        ("un-secretary-general", Relation.ACCOUNTABLE_TO, "member-states"),
        ("un-secretary-general", Relation.DELEGATES_TO, "usg-safety-security"),
    ]
    first, _, delegation = dataset.edges
    assert first.scope is None
    assert first.note is None
    assert first.citation == Citation(
        "A/46/11", "I(a)", Text({"en": "The USG is accountable to the SG."})
    )
    assert delegation.scope == "security"
    assert delegation.note == Text({"en": "Read as a delegation."})
    assert delegation.validity == Validity(dt.date(2008, 12, 12), dt.date(2030, 6, 30))
    assert [(c.document, c.section) for c in delegation.citations] == [
        ("A/46/11", "III.A.1"),
        ("A/46/12", "9"),
    ]

    (duty,) = dataset.responsibilities
    assert duty.code == "III.A.3(f)"
    assert duty.holder == "wipo-director-general"
    assert duty.document == "A/46/11"
    assert duty.text.get("zh") == "确保工作人员安全。"
    assert duty.note is None


def test_parse_dataset_reads_text_in_memory(tmp_path: Path) -> None:
    assert parse_dataset(VALID, "memory.yaml") == load_dataset(write(tmp_path, VALID))


def test_validate_file_of_a_valid_file_is_empty(tmp_path: Path) -> None:
    assert validate_file(write(tmp_path, VALID)) == []


def test_responsibilities_are_optional(tmp_path: Path) -> None:
    text = VALID[: VALID.index("responsibilities:")]
    assert load_dataset(write(tmp_path, text)).responsibilities == ()


def test_shipped_dataset_loads_without_problems() -> None:
    path = _resources.default_dataset_path()
    if not path.exists():
        pytest.skip(f"{path} is not written yet")
    assert validate_file(path) == []
    dataset = load_dataset()
    assert isinstance(dataset, Dataset)
    assert dataset.name == _resources.DEFAULT_DATASET_NAME
    assert dataset.parties
    assert dataset.edges


def test_schema_enums_are_the_model_enums() -> None:
    schema = json.loads(_resources.dataset_schema_path().read_text(encoding="utf-8"))
    items = schema["properties"]
    kinds = items["parties"]["items"]["properties"]["kind"]["enum"]
    relations = items["edges"]["items"]["properties"]["relation"]["enum"]
    assert kinds == [kind.value for kind in PartyKind]
    assert relations == [relation.value for relation in Relation]


# --- the file itself -----------------------------------------------------------------------


def test_missing_file_is_one_problem_without_a_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.line is None
    assert "cannot read the file" in problem.message
    assert validate_file(path) == [problem]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_bytes(VALID.encode("utf-8").replace("成员国".encode(), b"\xff\xfe"))
    (problem,) = validate_file(path)
    assert problem.line == line_of(VALID, "成员国")
    assert "not UTF-8" in problem.message


def test_yaml_syntax_error_has_its_line_and_no_traceback(tmp_path: Path) -> None:
    text = broken("    kind: government\n", "    kind: government: extra\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "government: extra")
    assert problem.message.startswith("invalid YAML: mapping values are not allowed here")
    assert "\n" not in problem.message
    assert "Traceback" not in str(problem)


def test_control_character_is_a_syntax_error_with_its_line(tmp_path: Path) -> None:
    text = broken("Head of WIPO.", "Head of\x07 WIPO.")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "Head of")
    assert problem.message == "invalid YAML: character U+0007 is not allowed"


def test_unclosed_quote_names_where_it_started(tmp_path: Path) -> None:
    text = broken('  - code: "III.A.3(f)"', '  - code: "III.A.3(f)')
    problem = only_problem(tmp_path, text)
    assert problem.line == len(text.splitlines())
    assert problem.message == (
        "invalid YAML: found unexpected end of stream "
        f"(while scanning a quoted scalar at line {line_of(text, 'code:')})"
    )


def test_empty_file(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "# nothing here\n")
    assert problem.line is None
    assert "the file is empty" in problem.message


def test_top_level_that_is_not_a_mapping(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "\n- format: accountgraph/1\n")
    assert problem.line == 2
    assert "expected a mapping with format, name" in problem.message


def test_duplicate_key_is_reported_at_the_second_with_the_first(tmp_path: Path) -> None:
    text = broken("    apex: true\n", "    apex: true\n    kind: body\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "kind: body")
    assert problem.id == "member-states"
    assert problem.message == f'duplicate key "kind" (first at line {line_of(text, "government")})'


# --- structure (the JSON Schema) ------------------------------------------------------------


def test_unknown_relation_suggests_the_nearest(tmp_path: Path) -> None:
    text = broken(
        "relation: ACCOUNTABLE_TO\n    to: member-states",
        "relation: ACCOUNTABLE\n    to: member-states",
    )
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "relation: ACCOUNTABLE\n")
    assert problem.id == "un-secretary-general -ACCOUNTABLE-> member-states"
    assert problem.message.startswith(
        'unknown relation "ACCOUNTABLE" (did you mean "ACCOUNTABLE_TO"?); '
        "expected one of ACCOUNTABLE_TO, REPORTS_TO, MEMBER_OF"
    )


def test_unknown_kind(tmp_path: Path) -> None:
    text = broken("    kind: government", "    kind: governments")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "kind: governments")
    assert problem.id == "member-states"
    assert problem.message == (
        'unknown kind "governments" (did you mean "government"?); '
        "expected one of office, role, group, government, body, unit"
    )


def test_edge_without_citation(tmp_path: Path) -> None:
    text = broken(
        "    cite:\n      - {section: II, text: {en: The SG is accountable to the Member States.}}"
        "\n",
        "",
    )
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "- from: un-secretary-general")
    assert problem.id == SG_EDGE
    assert problem.message == 'edge has no citation: add "cite" with at least one {section, text}'


def test_edge_with_empty_citation_list(tmp_path: Path) -> None:
    text = broken(
        "    cite:\n      - {section: II, text: {en: The SG is accountable to the Member States.}}"
        "\n",
        "    cite: []\n",
    )
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "cite: []")
    assert problem.id == SG_EDGE
    assert problem.message.startswith("edge has no citation")


def test_fact_without_citation(tmp_path: Path) -> None:
    text = broken(
        "        cite: {section: III.B.1, text: {en: at the level of ADG or higher}}\n", ""
    )
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "- name: rank")
    assert problem.id == "wipo-director-general"
    assert problem.message == 'fact "rank" has no citation: add "cite" with {section, text}'


def test_missing_required_field(tmp_path: Path) -> None:
    text = broken("    name: {en: UN Secretary-General}\n", "")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "- id: un-secretary-general")
    assert problem.id == "un-secretary-general"
    assert problem.message == 'missing required "name"'


def test_item_without_id_is_named_by_its_number(tmp_path: Path) -> None:
    text = broken("  - id: member-states\n    kind: government\n", "  - kind: government\n")
    first, second = problems_of(tmp_path, text)
    assert first.line == line_of(text, "- kind: government")
    assert first.id == "party #1"
    assert first.message == 'missing required "id"'
    assert second.line == line_of(text, "to: member-states")
    assert second.id == SG_EDGE
    assert second.message == 'to: no party "member-states"'


def test_missing_required_field_inside_a_citation(tmp_path: Path) -> None:
    text = broken("- {section: II, text: {en: The SG", "- {text: {en: The SG")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "- {text: {en: The SG")
    assert problem.id == SG_EDGE
    assert problem.message == 'missing required "section" in cite[0]'


def test_text_without_english(tmp_path: Path) -> None:
    text = broken("name: {en: UN Secretary-General}", "name: {zh: 联合国秘书长}")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "联合国秘书长")
    assert problem.id == "un-secretary-general"
    assert problem.message == 'name has no English text: add "en"'


def test_text_given_as_a_plain_string(tmp_path: Path) -> None:
    text = broken("name: {en: UN Secretary-General}", "name: UN Secretary-General")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "name: UN Secretary-General")
    assert problem.message == (
        "name: expected a text by language, like {en: ..., zh: ...}, "
        'got text "UN Secretary-General"'
    )


def test_language_code_that_is_not_one(tmp_path: Path) -> None:
    text = broken(
        "    description: {en: Head of WIPO.}",
        "    description:\n      en: Head of WIPO.\n      english: Head.",
    )
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "english: Head.")
    assert problem.id == "wipo-director-general"
    assert problem.message == 'description: "english" is not a language code; use one like en or zh'


def test_unknown_field_suggests_the_nearest(tmp_path: Path) -> None:
    text = broken("    aliases: [SG]", "    alias: [SG]")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "alias: [SG]")
    assert problem.id == "un-secretary-general"
    assert problem.message.startswith('unknown field "alias" (did you mean "aliases"?); expected')


def test_number_where_text_is_expected_says_to_quote_it(tmp_path: Path) -> None:
    text = broken("III.B.1]", "III.B.1, 1.10]")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "sections:")
    assert problem.id == "document"
    assert problem.message == (
        'document.sections[6]: expected text, got 1.1; put it in quotes: "1.10"'
    )


def test_invalid_id(tmp_path: Path) -> None:
    text = broken("  - id: member-states", "  - id: Member-States")
    first, second = problems_of(tmp_path, text)
    assert first.line == line_of(text, "id: Member-States")
    assert first.id == "Member-States"
    assert (
        first.message == 'id: "Member-States" is not a valid id; use lower-case words joined by "-"'
    )
    assert second.line == line_of(text, "to: member-states")
    assert second.message == 'to: no party "member-states"; did you mean "Member-States"?'


def test_wrong_format(tmp_path: Path) -> None:
    text = broken("format: accountgraph/1", "format: accountgraph/2")
    problem = only_problem(tmp_path, text)
    assert problem.line == 1
    assert problem.id is None
    assert problem.message == 'format must be "accountgraph/1", not "accountgraph/2"'


def test_section_listed_twice(tmp_path: Path) -> None:
    text = broken("III.B.1]", "III.B.1, II]")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "sections:")
    assert problem.message == f'document.sections lists "II" twice (first at line {problem.line})'


# --- meaning -------------------------------------------------------------------------------


def test_duplicate_party_id_names_both_lines(tmp_path: Path) -> None:
    again = "  - id: member-states\n    kind: body\n    name: {en: Again}\nedges:\n"
    text = broken("edges:\n", again)
    problem = only_problem(tmp_path, text)
    first, second = line_of(text, "- id: member-states", 1), line_of(text, "- id: member-states", 2)
    assert problem.line == second
    assert problem.id == "member-states"
    assert problem.message == (
        f'party id "member-states" is defined twice, at lines {first} and {second}'
    )


def test_edge_to_unknown_party_suggests_the_nearest(tmp_path: Path) -> None:
    text = broken("    to: usg-safety-security", "    to: wipo-dg")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "to: wipo-dg")
    assert problem.id == "un-secretary-general -DELEGATES_TO-> wipo-dg (security)"
    assert problem.message == 'to: no party "wipo-dg"; did you mean "wipo-director-general"?'


def test_unknown_party_that_is_an_alias_suggests_its_party(tmp_path: Path) -> None:
    text = broken("  - from: usg-safety-security", "  - from: sg")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "from: sg")
    assert problem.id == "sg -ACCOUNTABLE_TO-> un-secretary-general"
    assert problem.message == 'from: no party "sg"; did you mean "un-secretary-general"?'


def test_responsibility_holder_that_is_no_party(tmp_path: Path) -> None:
    text = broken("    holder: wipo-director-general", "    holder: wipo-director-generl")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "holder:")
    assert problem.id == "III.A.3(f)"
    assert problem.message == (
        'holder: no party "wipo-director-generl"; did you mean "wipo-director-general"?'
    )


def test_duplicate_edge(tmp_path: Path) -> None:
    edge = "  - from: un-secretary-general\n    relation: ACCOUNTABLE_TO\n    to: member-states\n"
    text = broken(edge, edge + "    cite: [{section: II, text: {en: Again.}}]\n" + edge)
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "- from: un-secretary-general", 2)
    assert problem.id == SG_EDGE
    first = line_of(text, "- from: un-secretary-general", 1)
    assert problem.message == f"duplicate edge: same from, relation, to and scope as line {first}"


def test_same_edge_with_another_scope_is_not_a_duplicate(tmp_path: Path) -> None:
    edge = "  - from: un-secretary-general\n    relation: ACCOUNTABLE_TO\n    to: member-states\n"
    again = edge + "    scope: budget\n    cite: [{section: II, text: {en: Again.}}]\n"
    assert len(load_dataset(write(tmp_path, broken(edge, again + edge))).edges) == 4


def test_duplicate_responsibility_for_the_same_holder(tmp_path: Path) -> None:
    duty = '  - code: "III.A.3(f)"\n    holder: wipo-director-general\n    text: {en: Again.}\n'
    text = VALID + duty
    problem = only_problem(tmp_path, text)
    first, second = line_of(text, "- code:", 1), line_of(text, "- code:", 2)
    assert problem.line == second
    assert problem.id == "III.A.3(f)"
    assert problem.message == (
        'responsibility "III.A.3(f)" of "wipo-director-general" is defined twice, '
        f"at lines {first} and {second}"
    )


def test_same_code_for_another_holder_is_fine(tmp_path: Path) -> None:
    duty = '  - code: "III.A.3(f)"\n    holder: member-states\n    text: {en: Also.}\n'
    assert len(load_dataset(write(tmp_path, VALID + duty)).responsibilities) == 2


def test_citation_of_a_section_the_document_lacks(tmp_path: Path) -> None:
    text = broken("- {section: III.A.1, text:", "- {section: III.A.9, text:")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "III.A.9")
    assert problem.id == DELEGATION_EDGE
    assert (
        problem.message == 'section "III.A.9" is not in document.sections; did you mean "III.A.1"?'
    )


def test_responsibility_code_the_document_lacks(tmp_path: Path) -> None:
    text = broken('  - code: "III.A.3(f)"', '  - code: "III.A.3(g)"')
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "III.A.3(g)")
    assert problem.id == "III.A.3(g)"
    assert problem.message.startswith('section "III.A.3(g)" is not in document.sections')


def test_fact_citation_section_is_checked(tmp_path: Path) -> None:
    text = broken("cite: {section: III.B.1,", "cite: {section: IV,")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "section: IV,")
    assert problem.id == "wipo-director-general"


def test_edge_from_a_party_to_itself(tmp_path: Path) -> None:
    text = broken("    to: member-states", "    to: un-secretary-general")
    problem = only_problem(tmp_path, text)
    line = line_of(text, "    to: un-secretary-general", 2)
    assert problem.line == line
    assert problem.id == "un-secretary-general -ACCOUNTABLE_TO-> un-secretary-general"
    assert problem.message == 'edge from "un-secretary-general" to itself'


# --- dates -------------------------------------------------------------------------------


def test_dates_load_as_dates_not_strings(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, VALID))
    assert type(dataset.document.date) is dt.date
    assert dataset.edges[2].validity.valid_from == dt.date(2008, 12, 12)


def test_date_that_is_not_in_the_calendar(tmp_path: Path) -> None:
    text = broken("  date: 2008-12-12", "  date: 2008-02-30")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "2008-02-30")
    assert problem.id == "document"
    assert problem.message == "document.date: 2008-02-30 is not a real date"


def test_date_in_another_format(tmp_path: Path) -> None:
    text = broken("    valid_to: 2030-12-31", "    valid_to: 31/12/2030")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "31/12/2030")
    assert problem.id == "usg-safety-security"
    assert problem.message == 'valid_to: "31/12/2030" is not a date; write it as YYYY-MM-DD'


def test_valid_from_after_valid_to(tmp_path: Path) -> None:
    text = broken("    valid_from: 2005-01-01", "    valid_from: 2031-01-01")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "valid_to: 2030-12-31")
    assert problem.id == "usg-safety-security"
    assert problem.message == "valid_from 2031-01-01 is after valid_to 2030-12-31"


IN_FORCE = ("  date: 2008-12-12\n", "  date: 2008-12-12\n  in_force: 2008-12-01\n")


def test_in_force_dates_the_parties_and_edges_that_give_no_valid_from(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, broken(*IN_FORCE)))
    in_force = dt.date(2008, 12, 1)
    assert dataset.document.in_force == in_force
    assert [p.validity for p in dataset.parties] == [
        Validity(in_force),
        Validity(in_force),
        Validity(dt.date(2005, 1, 1), dt.date(2030, 12, 31)),
        Validity(in_force),
    ]
    assert [e.validity for e in dataset.edges] == [
        Validity(dt.date(2008, 12, 12), dt.date(2030, 6, 30)),
        Validity(in_force),
        Validity(dt.date(2008, 12, 12), dt.date(2030, 6, 30)),
    ]
    assert list(dataset.as_of(dt.date(2008, 11, 30)).party_ids) == ["usg-safety-security"]


def test_without_in_force_nothing_is_dated_but_what_says_so(tmp_path: Path) -> None:
    dataset = load_dataset(write(tmp_path, VALID))
    assert dataset.document.in_force is None
    assert [p.validity for p in dataset.parties][:2] == [Validity(), Validity()]


def test_in_force_that_is_not_in_the_calendar(tmp_path: Path) -> None:
    text = broken(IN_FORCE[0], "  date: 2008-12-12\n  in_force: 2009-02-30\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "2009-02-30")
    assert problem.id == "document"
    assert problem.message == "document.in_force: 2009-02-30 is not a real date"


def test_valid_to_before_in_force_needs_a_valid_from(tmp_path: Path) -> None:
    text = broken(IN_FORCE[0], "  date: 2008-12-12\n  in_force: 2031-01-01\n")
    # The USG's edges cannot hold while both it and the rest (from 2031) do: only the rules'.
    problems = validate_file(write(tmp_path, text))
    assert [p.message.split(":")[0] for p in problems] == ["edge-outside-party-validity"] * 2
    text = broken("    valid_from: 2005-01-01\n", "", text)
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "valid_to: 2030-12-31")
    assert problem.id == "usg-safety-security"
    assert problem.message == (
        "valid_to 2030-12-31 is before document.in_force 2031-01-01, from which it would "
        "take part: give it a valid_from"
    )


# --- all at once -------------------------------------------------------------------------


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = VALID
    for old, new in [
        ("    kind: government", "    kind: offices"),
        ("    aliases: [SG]", "    aliases: [SG]\n    kind: role"),
        ("    valid_to: 2030-12-31", "    valid_to: 2030-02-30"),
        (
            '    cite:\n      - {section: "I(a)", text: {en: The USG is accountable to the SG.}}\n',
            "",
        ),
        ("ACCOUNTABLE_TO\n    to: member-states", "ACCOUNTABLE\n    to: member-states"),
        ("    to: usg-safety-security", "    to: wipo-dg"),
        ("    holder: wipo-director-general", "    holder: nobody"),
    ]:
        text = broken(old, new, text)

    problems = problems_of(tmp_path, text)

    assert [(p.line, p.id) for p in problems] == [
        (line_of(text, "kind: offices"), "member-states"),
        (line_of(text, "kind: role"), "un-secretary-general"),
        (line_of(text, "valid_to: 2030-02-30"), "usg-safety-security"),
        (line_of(text, "- from: usg-safety-security"), USG_EDGE),
        (
            line_of(text, "relation: ACCOUNTABLE\n"),
            "un-secretary-general -ACCOUNTABLE-> member-states",
        ),
        (line_of(text, "to: wipo-dg"), "un-secretary-general -DELEGATES_TO-> wipo-dg (security)"),
        (line_of(text, "holder: nobody"), "III.A.3(f)"),
    ]


def test_dataset_error_message_lists_every_problem(tmp_path: Path) -> None:
    text = broken("    kind: government", "    kind: offices")
    text = broken("    holder: wipo-director-general", "    holder: nobody", text)
    path = write(tmp_path, text)
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    kind_line, holder_line = line_of(text, "offices"), line_of(text, "nobody")
    assert str(info.value).splitlines() == [
        f"{path}: 2 problems; nothing was loaded",
        f'  {path}:{kind_line}: [member-states] unknown kind "offices" (did you mean "office"?); '
        "expected one of office, role, group, government, body, unit",
        f'  {path}:{holder_line}: [III.A.3(f)] holder: no party "nobody"',
    ]


# --- bounds: files that could cost the reader without limit ------------------------------


def nested_lists(levels: int) -> str:
    """A file whose value of ``x`` is ``levels`` lists deep (the file's mapping is one more)."""
    return "x: " + "[" * levels + "]" * levels + "\n"


def yaml_problem(tmp_path: Path, text: str) -> Problem:
    """The one problem of ``text`` that is about its YAML, not about a dataset's fields."""
    problems = [p for p in problems_of(tmp_path, text) if "unknown field" not in p.message]
    problems = [p for p in problems if not p.message.startswith("missing required")]
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_nesting_up_to_the_bound_is_read(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, nested_lists(MAX_DEPTH - 1))
    assert not any("nested" in p.message for p in problems), problems


def test_nesting_past_the_bound_is_refused_where_it_goes_past(tmp_path: Path) -> None:
    text = "a: 1\n" + nested_lists(MAX_DEPTH)
    problem = only_problem(tmp_path, text)
    assert problem.line == 2
    assert problem.message == (
        "lists and mappings nested more than 64 levels deep; a dataset needs fewer than 10"
    )


def test_nesting_of_a_hundred_thousand_levels_is_refused_without_recursion(
    tmp_path: Path,
) -> None:
    problem = only_problem(tmp_path, nested_lists(100_000))
    assert problem.line == 1
    assert "nested more than 64 levels deep" in problem.message


def test_nesting_that_an_alias_brings_counts(tmp_path: Path) -> None:
    inner = MAX_DEPTH // 2
    text = f"a: &a {nested_lists(inner)[3:]}b: {'[' * inner}*a{']' * inner}\n"
    problem = only_problem(tmp_path, text)
    assert problem.line == 2
    assert "nested more than 64 levels deep where the alias *a puts it" in problem.message


def aliased(copies: int) -> str:
    """A list of 999 numbers (1,000 values with the list) and ``copies`` aliases of it."""
    numbers = ", ".join(str(n) for n in range(999))
    return f"a: &a [{numbers}]\nb: [{', '.join(['*a'] * copies)}]\n"


def test_aliases_may_add_as_many_values_as_the_floor(tmp_path: Path) -> None:
    assert ALIAS_FLOOR == 100 * 1000
    problems = problems_of(tmp_path, aliased(100))
    assert not any("alias" in p.message for p in problems), problems


def test_aliases_that_add_more_than_the_floor_are_refused_at_the_alias(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, aliased(101))
    assert problem.line == 2
    assert problem.message == (
        "aliases add too many values: by *a they add 101,000 to the 1,004 the file writes "
        "out; they may add 100,000, or 10 for every value written out if that is more. An "
        "alias bomb? Write the shared values out instead"
    )


def test_a_large_file_may_add_ten_values_by_alias_for_each_it_writes(tmp_path: Path) -> None:
    written = ", ".join(str(n) for n in range(12_000))
    copies = ", ".join(["*a"] * 10_000)
    text = f"a: &a [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [{written}]\nc: [{copies}]\n"
    problems = problems_of(tmp_path, text)
    assert not any("alias" in p.message for p in problems), problems
    text = text.replace("*a]", "*a, " * 1_000 + "*a]")
    assert "aliases add too many values" in yaml_problem(tmp_path, text).message


def test_an_alias_to_the_value_it_is_in_is_refused(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "a: &a\n  b: *a\n")
    assert problem.line == 2
    assert problem.message == "the alias *a refers to a value that contains it"


def test_shared_values_are_read_where_each_alias_is(tmp_path: Path) -> None:
    usg = '{section: "I(a)", text: {en: The USG is accountable to the SG.}}'
    text = broken(f"      - {usg}\n", f"      - &usg-cite {usg}\n")
    sg = "{section: II, text: {en: The SG is accountable to the Member States.}}"
    text = broken(f"      - {sg}\n", "      - *usg-cite\n", text)
    dataset = load_dataset(write(tmp_path, text))
    assert dataset.edges[0].citations == dataset.edges[1].citations


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), "0x7fffffffffffffff", "1_000"])
def test_whole_numbers_a_graph_database_stores_are_read(tmp_path: Path, value: object) -> None:
    text = broken("      value: 12\n", f"      value: {value}\n")
    dataset = load_dataset(write(tmp_path, text))
    assert dataset.document.facts[0].value == int(str(value).replace("_", ""), 0)


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, "0x8000000000000000"])
def test_whole_numbers_past_64_bits_are_refused(tmp_path: Path, value: object) -> None:
    text = broken("      value: 12\n", f"      value: {value}\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "value:")
    assert problem.message.startswith(f"{value} is too large a whole number: a graph database")
    assert problem.message.endswith(f'put it in quotes if it is text: "{value}"')


def test_a_whole_number_too_long_to_convert_is_refused_unconverted(tmp_path: Path) -> None:
    text = broken("      value: 12\n", "      value: " + "1" * 100_000 + "\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "value:")
    assert problem.message.startswith("a whole number written with 100,000 characters is too long")


@pytest.mark.parametrize(
    ("written", "says"),
    [
        (".inf", ".inf is infinite"),
        ("-.INF", "-.INF is infinite"),
        (".nan", ".nan is not a number (NaN)"),
        ("1.5e+309", "1.5e+309 is too large a number (beyond ±1.8e308)"),
    ],
)
def test_numbers_that_are_not_finite_are_refused(tmp_path: Path, written: str, says: str) -> None:
    text = broken("      value: 12\n", f"      value: {written}\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "value:")
    assert problem.message == (
        f"{says}: a dataset's numbers are finite; put it in quotes if it is text"
    )


def test_a_quoted_infinity_is_text(tmp_path: Path) -> None:
    text = broken("      value: 12\n", '      value: ".inf"\n')
    assert load_dataset(write(tmp_path, text)).document.facts[0].value == ".inf"


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.getcwd []", "!!binary aGk=", "!x hi"])
def test_tags_beyond_plain_values_are_refused(tmp_path: Path, tag: str) -> None:
    text = broken("      value: 12\n", f"      value: {tag}\n")
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "value:")
    shown = tag.split()[0]
    assert problem.message == (
        f"the YAML tag {shown} is not allowed: a dataset holds text, numbers, true/false, "
        "lists and mappings"
    )


def test_plain_tags_are_read(tmp_path: Path) -> None:
    text = broken("      value: 12\n", "      value: !!str 12\n")
    assert load_dataset(write(tmp_path, text)).document.facts[0].value == "12"


def test_escapes_may_not_write_what_the_file_may_not_hold(tmp_path: Path) -> None:
    text = broken("Head of WIPO.", "Head of \\x1b[31mWIPO.")
    text = text.replace("{en: Head of", '{en: "Head of').replace("WIPO.}", 'WIPO."}')
    problem = only_problem(tmp_path, text)
    assert problem.line == line_of(text, "Head of")
    assert problem.message.startswith("the text holds U+001B, written as an escape")


def test_a_file_up_to_the_size_limit_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    size = path.stat().st_size
    assert load_dataset(path, max_bytes=size).name == "test-framework"
    with pytest.raises(DatasetError) as info:
        load_dataset(path, max_bytes=size - 1)
    (problem,) = info.value.problems
    assert problem.line is None
    assert problem.message == (
        f"the file is {size:,} bytes ({size / 1024:.1f} KiB), more than the limit of "
        f"{size - 1:,} bytes ({(size - 1) / 1024:.1f} KiB) for a dataset; raise the limit "
        "with --max-dataset-bytes or ACCOUNTGRAPH_MAX_DATASET_BYTES"
    )


def test_the_default_size_limit_is_one_gibibyte() -> None:
    assert MAX_DATASET_BYTES == 2**30
    assert Settings.from_env({}).max_dataset_bytes == MAX_DATASET_BYTES
    assert Settings.from_env({"ACCOUNTGRAPH_MAX_DATASET_BYTES": "5000"}).max_dataset_bytes == 5000


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    os.mkfifo(path)
    (problem,) = validate_file(path)
    assert problem.message == "cannot read a named pipe (FIFO): a dataset must be a regular file"


def test_utf16_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_bytes(VALID.encode("utf-16"))
    (problem,) = validate_file(path)
    assert problem.line == 1
    assert problem.message == "the file is UTF-16 text; a dataset is UTF-8: save it as UTF-8"


def test_a_nul_byte_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dataset.yaml"
    path.write_bytes(VALID.replace("Head of WIPO.", "Head of\0WIPO.").encode())
    (problem,) = validate_file(path)
    assert problem.line == line_of(VALID, "Head of WIPO.")
    assert problem.message.startswith("the file holds a NUL byte")


def test_an_empty_value_on_the_last_line_is_on_that_line(tmp_path: Path) -> None:
    text = VALID + "name_of_nothing:\n"
    problem = only_problem(tmp_path, text)
    assert problem.line == len(text.splitlines())
