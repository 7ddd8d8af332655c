"""Who may do what: four roles, each allowed what the one before it is, and more."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A token's role. Each role may do everything the roles before it may."""

    READER = "reader"
    """Reads the graph, the change sets and the log (when reads need a token)."""
    EDITOR = "editor"
    """Drafts change sets, proposes them, withdraws their own."""
    APPROVER = "approver"
    """Approves or rejects change sets drafted by someone else."""
    ADMIN = "admin"
    """Creates, lists and revokes tokens."""

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class Action(StrEnum):
    """What a caller asks to do, and the least role that may."""

    READ = "read"
    DRAFT = "draft"
    PROPOSE = "propose"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    REJECT = "reject"
    MANAGE_TOKENS = "manage tokens"

    @property
    def needs(self) -> Role:
        return _NEEDS[self]


_NEEDS = {
    Action.READ: Role.READER,
    Action.DRAFT: Role.EDITOR,
    Action.PROPOSE: Role.EDITOR,
    Action.WITHDRAW: Role.EDITOR,
    Action.APPROVE: Role.APPROVER,
    Action.REJECT: Role.APPROVER,
    Action.MANAGE_TOKENS: Role.ADMIN,
}
