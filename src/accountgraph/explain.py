"""Paths told as sentences, one step a line, each with the clause behind it."""

from __future__ import annotations

from collections.abc import Mapping

from accountgraph.model import Edge, Party, Path, Relation

_EN: Mapping[Relation, str] = {
    Relation.ACCOUNTABLE_TO: "{a} is accountable to {b}",
    Relation.REPORTS_TO: "{a} reports to {b}",
    Relation.MEMBER_OF: "{a} is a member of {b}",
    Relation.CHAIRS: "{a} chairs {b}",
    Relation.ADVISES: "{a} advises {b}",
    Relation.APPOINTS: "{a} appoints {b}",
    Relation.DESIGNATES: "{a} designates {b}",
    Relation.DELEGATES_TO: "{a} delegates authority to {b}",
    Relation.SERVES_AS: "{a} serves as {b}",
    Relation.LIAISES_WITH: "{a} liaises with {b}",
    Relation.TECHNICAL_LINK: "{a} keeps a technical link with {b}",
    Relation.SUPPORTS: "{a} supports {b}",
    Relation.MANAGES: "{a} manages {b}",
    Relation.ESTABLISHES: "{a} establishes {b}",
    Relation.CONVENES: "{a} convenes {b}",
    Relation.RECOMMENDS_TO: "{a} makes recommendations to {b}",
    Relation.PARTICIPATES_IN: "{a} participates in {b}",
    Relation.COORDINATES: "{a} coordinates {b}",
    Relation.RESPONSIBLE_FOR_SECURITY_OF: "{a} is responsible for the safety and security of {b}",
    Relation.PART_OF: "{a} is part of {b}",
}

_ZH: Mapping[Relation, str] = {
    Relation.ACCOUNTABLE_TO: "{a}接受{b}的问责",
    Relation.REPORTS_TO: "{a}向{b}报告工作",
    Relation.MEMBER_OF: "{a}是{b}的成员",
    Relation.CHAIRS: "{a}担任{b}主席",
    Relation.ADVISES: "{a}向{b}提供咨询",
    Relation.APPOINTS: "{a}任命{b}",
    Relation.DESIGNATES: "{a}指定{b}",
    Relation.DELEGATES_TO: "{a}把权力下放给{b}",
    Relation.SERVES_AS: "{a}担任{b}",
    Relation.LIAISES_WITH: "{a}与{b}联络",
    Relation.TECHNICAL_LINK: "{a}与{b}保持技术联系",
    Relation.SUPPORTS: "{a}支持{b}的工作",
    Relation.MANAGES: "{a}管理{b}",
    Relation.ESTABLISHES: "{a}建立{b}",
    Relation.CONVENES: "{a}召集{b}",
    Relation.RECOMMENDS_TO: "{a}向{b}提出建议",
    Relation.PARTICIPATES_IN: "{a}参加{b}",
    Relation.COORDINATES: "{a}协调{b}",
    Relation.RESPONSIBLE_FOR_SECURITY_OF: "{a}负责{b}的安全和安保",
    Relation.PART_OF: "{a}属于{b}",
}

_SCOPE = {"en": " (scope: {scope})", "zh": "（范围：{scope}）"}


def relation_phrase(relation: Relation, lang: str = "en") -> str:
    """The relation as words between two parties, e.g. ``reports to`` / ``向…报告工作``."""
    template = (_ZH if lang == "zh" else _EN)[relation]
    return template.format(a="", b="…").strip()


def explain_edge(edge: Edge, parties: Mapping[str, Party], lang: str = "en") -> str:
    """One step as a sentence: ``A reports to B (A/46/11 III.C).``"""
    templates = _ZH if lang == "zh" else _EN
    source = parties[edge.source].name.get(lang)
    target = parties[edge.target].name.get(lang)
    sentence = templates[edge.relation].format(a=source, b=target)
    if edge.scope:
        sentence += _SCOPE["zh" if lang == "zh" else "en"].format(scope=edge.scope)
    cited = ", ".join(c.section for c in edge.citations)
    document = edge.citation.document
    if lang == "zh":
        return f"{sentence}（{document} {cited}）。"
    return f"{sentence[0].upper()}{sentence[1:]} ({document} {cited})."


def explain_path(path: Path, parties: Mapping[str, Party], lang: str = "en") -> list[str]:
    """Every step of ``path`` as a sentence, in order."""
    return [explain_edge(edge, parties, lang) for edge in path.edges]
