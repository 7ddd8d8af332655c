"""The one place that decides whether a change is made: roles, the lifecycle, four eyes,
conflicts and the rule book, in that order, before a store is asked to write anything.

Every front end (GraphQL, the CLI, the page) calls :class:`Governance`; none of them
checks a rule itself, so a change refused in one is refused in all with the same words.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from accountgraph.errors import (
    AuthenticationError,
    ChangeError,
    ChangeRefusedError,
    PermissionDeniedError,
    ReadOnlyStoreError,
    UnknownChangeSetError,
)
from accountgraph.governance.change_set import (
    ChangeSet,
    ChangeSetContent,
    Status,
    new_change_set_id,
)
from accountgraph.governance.changeable import ChangeableStore, LogMovedError, mentioned_parties
from accountgraph.governance.log import LogEntry, LogHead, Verification, next_entry, verify
from accountgraph.governance.operations import Outcome, apply_operations
from accountgraph.governance.roles import Action, Role
from accountgraph.governance.tokens import (
    NAME_PATTERN,
    Actor,
    TokenRecord,
    looks_like_token,
    new_token,
    token_hash,
)
from accountgraph.model import Dataset
from accountgraph.rules import RuleViolation, check_rules
from accountgraph.store.base import GraphStore

Clock = Callable[[], dt.datetime]
APPEND_ATTEMPTS = 20
"""How often an approval reads the log again when other writers keep moving its head."""

READ_ONLY_HINT = (
    "the {kind} store is read-only: changes need a store that keeps them — "
    "serve --store sqlite:///path/graph.db "
    "(after accountgraph load --store sqlite:///path/graph.db), "
    "or a FalkorDB or Neo4j store"
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Preview:
    """What a change set would do to the graph as it stands, without doing it."""

    change_set: ChangeSet
    outcome: Outcome
    head: LogHead


class Governance:
    """Change sets, tokens and the log of one store."""

    def __init__(self, store: GraphStore, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock
        self._approving = asyncio.Lock()
        self._violations_at: tuple[LogHead, frozenset[tuple[object, ...]]] | None = None

    @property
    def changeable(self) -> bool:
        return isinstance(self._store, ChangeableStore)

    def _changeable(self) -> ChangeableStore:
        if not isinstance(self._store, ChangeableStore):
            kind = type(self._store).__name__.removesuffix("Store").lower() or "this"
            raise ReadOnlyStoreError(READ_ONLY_HINT.format(kind=kind))
        return self._store

    # --- who is asking -------------------------------------------------------------------

    async def authenticate(self, token: str | None) -> Actor | None:
        """The actor a bearer token stands for; ``None`` without a token. A token that is
        not one, unknown or revoked raises :class:`AuthenticationError` (never quoting it)."""
        if token is None or token == "":
            return None
        if not looks_like_token(token):
            raise AuthenticationError("the token is not an accountgraph token (agt_…)")
        if not isinstance(self._store, ChangeableStore):
            raise AuthenticationError(
                "this store keeps no tokens: " + READ_ONLY_HINT.format(kind="memory")
            )
        record = await self._store.token_by_hash(token_hash(token))
        if record is None:
            raise AuthenticationError("the token is not known here")
        if not record.active:
            raise AuthenticationError(
                f"the token of {record.name!r} was revoked on {record.revoked_at:%Y-%m-%d}"
            )
        return record.actor

    @staticmethod
    def authorize(actor: Actor | None, action: Action) -> Actor:
        """``actor`` when its role allows ``action``; else the error to answer."""
        if actor is None:
            raise AuthenticationError(
                f"to {action.value} you need a token: send Authorization: Bearer <token> "
                "(the CLI reads ACCOUNTGRAPH_TOKEN)"
            )
        if not actor.role.allows(action.needs):
            raise PermissionDeniedError(
                f"{actor.name!r} is {_a(actor.role)}: to {action.value} takes "
                f"{_a(action.needs)} or above"
            )
        return actor

    # --- tokens --------------------------------------------------------------------------

    async def create_token(self, actor: Actor | None, name: str, role: Role) -> str:
        """A new token for ``name`` (shown once; only its hash is kept)."""
        store = self._changeable()
        if actor is not None:
            self.authorize(actor, Action.MANAGE_TOKENS)
        if not NAME_PATTERN.match(name):
            raise ChangeError(
                f"{name!r} cannot name a token: use 1–100 letters, digits, spaces or . @ + _ -"
            )
        if any(record.name == name and record.active for record in await store.tokens()):
            raise ChangeError(
                f"{name!r} has an active token already: revoke it first "
                f"(accountgraph token revoke {name!r})"
            )
        token = new_token()
        await store.put_token(TokenRecord(name, role, token_hash(token), self._clock()))
        return token

    async def tokens(self, actor: Actor | None) -> list[TokenRecord]:
        if actor is not None:
            self.authorize(actor, Action.MANAGE_TOKENS)
        return await self._changeable().tokens()

    async def revoke_token(self, actor: Actor | None, name: str) -> TokenRecord:
        if actor is not None:
            self.authorize(actor, Action.MANAGE_TOKENS)
        revoked = await self._changeable().revoke_token(name, self._clock())
        if revoked is None:
            raise ChangeError(f"{name!r} has no active token")
        return revoked

    # --- change sets ---------------------------------------------------------------------

    async def draft(
        self, actor: Actor | None, content: ChangeSetContent, *, propose: bool = False
    ) -> ChangeSet:
        """Keep a new change set by ``actor`` (proposed at once when ``propose``), after
        checking that it could be applied to the graph as it stands."""
        author = self.authorize(actor, Action.DRAFT)
        store = self._changeable()
        dataset, head = await store.live()
        now = self._clock()
        change_set = ChangeSet(
            id=new_change_set_id(),
            title=content.title,
            reason=content.reason,
            basis=content.basis,
            effective=content.effective,
            operations=content.operations,
            author=author.name,
            status=Status.PROPOSED if propose else Status.DRAFT,
            drafted_on=head.position,
            created_at=now,
            proposed_at=now if propose else None,
        )
        # Checked on the graph at the head it records: what is applied after that, the
        # approval finds as a conflict.
        await self._applicable(store, change_set, dataset, head, conflicts=False)
        await store.save_change_set(change_set)
        return change_set

    async def get(self, actor: Actor | None, change_set_id: str) -> ChangeSet:
        store = self._changeable()
        found = await store.change_set(change_set_id)
        if found is None:
            raise UnknownChangeSetError(change_set_id)
        return found

    async def preview(self, change_set_id: str) -> Preview:
        """What the change set would do to the graph as it stands now."""
        store = self._changeable()
        change_set = await self.get(None, change_set_id)
        dataset, head = await store.live()
        if change_set.status is Status.APPLIED:
            raise ChangeRefusedError(
                f"change set {change_set.id} is applied already (log entry "
                f"{change_set.applied_position})",
                rule="state",
                change_set=change_set.id,
            )
        outcome = await asyncio.to_thread(
            apply_operations, dataset, change_set.operations, change_set.effective
        )
        return Preview(change_set, outcome, head)

    async def propose(self, actor: Actor | None, change_set_id: str) -> ChangeSet:
        author = self.authorize(actor, Action.PROPOSE)
        store = self._changeable()
        change_set = await self._own(author, change_set_id, "propose")
        self._expect(change_set, Status.DRAFT, "proposed")
        await self._check(store, change_set)
        proposed = change_set.moved(Status.PROPOSED, proposed_at=self._clock())
        await store.save_change_set(proposed)
        return proposed

    async def withdraw(self, actor: Actor | None, change_set_id: str) -> ChangeSet:
        author = self.authorize(actor, Action.WITHDRAW)
        change_set = await self._own(author, change_set_id, "withdraw")
        self._expect(change_set, (Status.DRAFT, Status.PROPOSED), "withdrawn")
        withdrawn = change_set.moved(
            Status.WITHDRAWN, decided_by=author.name, decided_at=self._clock()
        )
        await self._changeable().save_change_set(withdrawn)
        return withdrawn

    async def reject(self, actor: Actor | None, change_set_id: str, reason: str) -> ChangeSet:
        approver = self.authorize(actor, Action.REJECT)
        change_set = await self.get(approver, change_set_id)
        self._expect(change_set, Status.PROPOSED, "rejected")
        self._four_eyes(approver, change_set, "reject")
        if not reason.strip():
            raise ChangeRefusedError(
                "a rejection needs a reason", rule="format", change_set=change_set.id
            )
        rejected = change_set.moved(
            Status.REJECTED,
            decided_by=approver.name,
            decided_at=self._clock(),
            decision_reason=reason.strip(),
        )
        await self._changeable().save_change_set(rejected)
        return rejected

    async def approve(self, actor: Actor | None, change_set_id: str) -> ChangeSet:
        """Apply the change set, all of it or nothing, and log it."""
        approver = self.authorize(actor, Action.APPROVE)
        store = self._changeable()
        async with self._approving, store.approvals_in_turn():
            for _ in range(APPEND_ATTEMPTS):
                change_set = await self.get(approver, change_set_id)
                self._expect(change_set, Status.PROPOSED, "approved")
                self._four_eyes(approver, change_set, "approve")
                dataset, head = await store.live()
                outcome = await self._applicable(store, change_set, dataset, head)
                applied = change_set.moved(
                    Status.APPLIED,
                    decided_by=approver.name,
                    decided_at=self._clock(),
                    applied_position=head.position + 1,
                )
                entry = next_entry(head, applied, outcome.effects)
                try:
                    await store.append(entry, outcome)
                except LogMovedError:
                    continue
                return applied
        raise ChangeError(
            f"change set {change_set_id} could not be applied: other change sets kept "
            f"being applied first ({APPEND_ATTEMPTS} tries); approve it again"
        )

    async def change_sets(
        self,
        *,
        status: Status | None = None,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> list[ChangeSet]:
        return await self._changeable().change_sets(
            status=status, party_id=party_id, since=since, first=first, after=after
        )

    # --- the log -------------------------------------------------------------------------

    async def log_head(self) -> LogHead:
        return await self._changeable().log_head()

    async def log(
        self, *, party_id: str | None = None, since: dt.datetime | None = None
    ) -> list[LogEntry]:
        return await self._changeable().log_entries(party_id=party_id, since=since)

    async def verify_log(self) -> Verification:
        entries = await self._changeable().log_entries()
        return verify(entry.as_json() for entry in entries)

    # --- the checks ----------------------------------------------------------------------

    async def _own(self, actor: Actor, change_set_id: str, verb: str) -> ChangeSet:
        change_set = await self.get(actor, change_set_id)
        if change_set.author != actor.name and actor.role is not Role.ADMIN:
            raise PermissionDeniedError(
                f"only its author ({change_set.author!r}) may {verb} change set {change_set.id}"
            )
        return change_set

    @staticmethod
    def _expect(change_set: ChangeSet, allowed: Status | tuple[Status, ...], becoming: str) -> None:
        allowed = allowed if isinstance(allowed, tuple) else (allowed,)
        if change_set.status in allowed:
            return
        wanted = " or ".join(status.value for status in allowed)
        raise ChangeRefusedError(
            f"change set {change_set.id} is {change_set.status.value}; only a {wanted} "
            f"change set can be {becoming}",
            rule="state",
            change_set=change_set.id,
        )

    @staticmethod
    def _four_eyes(approver: Actor, change_set: ChangeSet, verb: str) -> None:
        if approver.name == change_set.author:
            raise ChangeRefusedError(
                f"{approver.name!r} drafted change set {change_set.id} and may not {verb} it: "
                "a change set needs a second person (four eyes)",
                rule="four-eyes",
                change_set=change_set.id,
            )

    async def _check(self, store: ChangeableStore, change_set: ChangeSet) -> None:
        dataset, head = await store.live()
        await self._applicable(store, change_set, dataset, head)

    async def _applicable(
        self,
        store: ChangeableStore,
        change_set: ChangeSet,
        dataset: Dataset,
        head: LogHead,
        *,
        conflicts: bool = True,
    ) -> Outcome:
        """The outcome of the change set on ``dataset``, or the refusal that says why it
        cannot be applied: a conflict, an operation that cannot be done, a broken rule."""
        named = mentioned_parties(change_set.operations)
        if conflicts:
            await self._refuse_conflicts(store, change_set, named)
        # Working a change set out and checking the rule book take time in proportion to
        # the graph: done in a thread, so the event loop goes on answering meanwhile.
        try:
            outcome = await asyncio.to_thread(
                apply_operations, dataset, change_set.operations, change_set.effective
            )
        except ChangeRefusedError as refused:
            refused.change_set = change_set.id
            raise
        if conflicts:
            await self._refuse_conflicts(store, change_set, outcome.effects.party_ids - named)
        before = await self._violations(dataset, head)
        for violation in await asyncio.to_thread(check_rules, outcome.dataset):
            if _identity(violation) not in before:
                raise ChangeRefusedError(
                    violation.message,
                    rule=violation.rule,
                    parties=violation.parties,
                    change_set=change_set.id,
                )
        return outcome

    async def _refuse_conflicts(
        self, store: ChangeableStore, change_set: ChangeSet, parties: set[str]
    ) -> None:
        if not parties:
            return
        for entry in await store.log_entries(after=change_set.drafted_on):
            shared = sorted(entry.party_ids & parties)
            if shared:
                raise ChangeRefusedError(
                    f"change set {entry.change_set.id} ({entry.change_set.title!r}), applied "
                    f"after this one was drafted, changed {', '.join(shared)} too: draft it "
                    "again on the graph as it now stands",
                    rule="conflict",
                    parties=tuple(shared),
                    change_set=change_set.id,
                )

    async def _violations(self, dataset: Dataset, head: LogHead) -> frozenset[tuple[object, ...]]:
        """The rule book's findings on the graph as it stands (remembered per log head):
        a change set is refused only for what it breaks, not for what was broken before."""
        if self._violations_at is None or self._violations_at[0] != head:
            found = frozenset(map(_identity, await asyncio.to_thread(check_rules, dataset)))
            self._violations_at = (head, found)
        return self._violations_at[1]


def _identity(violation: RuleViolation) -> tuple[object, ...]:
    return (violation.rule, violation.parties, violation.edges)


def _a(role: Role) -> str:
    article = "an" if role.value[0] in "aeiou" else "a"
    return f"{article} {role.value}"
