"""Mutations: recording a merger, importing a delegation list or a claims table. Writes need
the API key; each is a dry run by default (an import's dry run is open, like a read).

``applyMerger`` builds the same read-only impact report as ``mergerImpact``; with
``dryRun: false`` it then records the reform event and re-points holdings, exercises,
delegations and subordinates to the target in one atomic write (a Neo4j transaction, or a
staged FalkorDB copy swapped in), so a failure leaves the graph as it was. The write is
serialised with every other write to the graph (other replicas, ``reformgraph load``) and the
event keeps what it did (:class:`graph_loaders.recorded.RecordedMerger`), so that no later
import undoes it (``docs/operations.md``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import strawberry
from starlette.datastructures import UploadFile

from domain import ConflictCode, EventKind, check_id, check_partial_date
from graph_loaders.pipeline import ListOptions
from graph_loaders.recorded import RecordedMerger
from graph_store import GraphStore
from schema.auth import IsEditor
from schema.errors import ApiError, ErrorCode
from schema.impact import MergerImpact, merger_impact
from schema.imports import ImportKind, ImportResult, import_table
from schema.nodes import ReformEvent

#: Conflicts that make a merger impossible rather than doubtful.
BLOCKING_CONFLICTS = frozenset({ConflictCode.OWN_SUPERIOR})


@strawberry.type(description="What applyMerger did (or would do, in a dry run).")
class MergerResult:
    applied: bool
    event_key: str = strawberry.field(description="Key of the recorded (or planned) event.")
    target_key: str
    impact: MergerImpact

    @strawberry.field(description="The recorded event; null in a dry run.")
    async def event(self, info: strawberry.Info) -> ReformEvent | None:
        if not self.applied:
            return None
        entity = await info.context.loaders.entity.load(self.event_key)
        return ReformEvent.from_props(entity.props) if entity else None


def _check_input(field: str, value: str, check: Callable[[str], str]) -> None:
    """Refuse an argument the vocabulary refuses: BAD_INPUT saying which argument, its value
    and why (the ``field`` extension names the argument)."""
    try:
        check(value)
    except ValueError as error:
        raise ApiError(ErrorCode.BAD_INPUT, f"{field}: {error}.", field=field) from None


def _props(**values: Any) -> dict[str, Any]:
    """Properties of a node the mutation creates (its search grams are added when written)."""
    base = {"synthetic": False, "sources": [], "quotes": []}
    return {**base, **{k: v for k, v in values.items() if v is not None}}


async def apply_merger(
    info: strawberry.Info,
    bodies: list[str],
    target: str | None,
    new_name: str | None,
    new_key: str | None,
    date: str,
    dry_run: bool,
) -> MergerResult:
    """Report, and unless ``dry_run`` record, the merger of ``bodies`` into the target."""
    _check_input("date", date, check_partial_date)
    if new_key is not None:
        if target is not None:
            raise ApiError(
                ErrorCode.BAD_INPUT, "newKey goes with newName, not with target.", field="newKey"
            )
        _check_input("newKey", new_key, check_id)
    impact = await merger_impact(info.context, bodies, target, new_name)
    digest = hashlib.sha1(  # an id, not a security measure
        "|".join([*sorted(bodies), target or new_name or "", date]).encode()
    ).hexdigest()[:12]
    target_key = target or new_key or f"body:merged:{digest}"
    event_key = f"event:merger:{digest}"
    if target is None and await info.context.loaders.entity.load(target_key) is not None:
        raise ApiError(ErrorCode.BAD_INPUT, f"Key {target_key!r} is already taken.")
    blocking = [c for c in impact.conflicts if c.code in BLOCKING_CONFLICTS]
    if blocking and not dry_run:
        raise ApiError(ErrorCode.BAD_INPUT, "The merger cannot be applied: " + blocking[0].message)
    if not dry_run:
        await _record(info.context.store, impact, bodies, target, target_key, event_key, date)
    return MergerResult(
        applied=not dry_run, event_key=event_key, target_key=target_key, impact=impact
    )


async def _record(
    store: GraphStore,
    impact: MergerImpact,
    bodies: list[str],
    target: str | None,
    target_key: str,
    event_key: str,
    date: str,
) -> None:
    region = impact.regions_touched[-1].entity_id if impact.regions_touched else None
    event = _props(
        id=event_key,
        kind=EventKind.MERGE.value,
        date=date,
        title=f"{'、'.join(b.name for b in impact.bodies)} → {impact.target_name}",
        inputCount=len(bodies),
        outputCount=1,
        note="Recorded through applyMerger.",
    )
    body = None
    if target is None:
        body = _props(
            id=target_key,
            name=impact.target_name,
            kind=impact.bodies[0].kind.value,
            staffQuota=impact.staff_quota_after,
            validFrom=date,
            note="Created by applyMerger.",
        )
    record = RecordedMerger(
        event_key=event_key,
        target_key=target_key,
        bodies=bodies,
        date=date,
        region=region,
        event=event,
        new_body=body,
    )
    await store.write_atomically(record.steps())


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Merge `bodies` into `target` (an existing body) or a new body "
        "(`newName`, optional `newKey`) on `date`. With `dryRun: true` (the default) nothing "
        "is written and the impact report is returned; with `dryRun: false` the reform event "
        "is recorded and holdings, exercises, delegations and subordinates move to the target "
        "in one atomic write. Needs `Authorization: Bearer <API key>`.",
    )
    async def apply_merger(
        self,
        info: strawberry.Info,
        bodies: list[str],
        date: str,
        target: str | None = None,
        new_name: str | None = None,
        new_key: str | None = None,
        dry_run: bool = True,
    ) -> MergerResult:
        return await apply_merger(info, bodies, target, new_name, new_key, date, dry_run)

    @strawberry.mutation(
        description="Import a county's delegation list (赋权清单): `file` is the CSV or XLSX as "
        "published, sent as a multipart request (GraphQL multipart request spec; send the "
        "header `GraphQL-Require-Preflight: 1` too); `county` the county it belongs to, "
        "`listId` the key to give the list, `title` its title. The file is checked against "
        "the service's dataset folder as `reformgraph validate` does. With `dryRun: true` (the "
        "default; no key needed) nothing is written: the answer lists every problem and "
        "warning by row and what would be written. With `dryRun: false` (needs "
        "`Authorization: Bearer <API key>`) the file's list, items, holdings, delegations and "
        "created bodies are written in one atomic step, unless there is an error: then nothing "
        "is written."
    )
    async def import_delegation_list(
        self,
        info: strawberry.Info,
        file: UploadFile,
        county: str,
        list_id: str,
        title: str,
        dry_run: bool = True,
    ) -> ImportResult:
        options = ListOptions(county, list_id, title)
        return await import_table(info, file, ImportKind.DELEGATION_LIST, options, dry_run)

    @strawberry.mutation(
        description="Import a claims table (认领: town, list, item, mode, date; CSV or XLSX) "
        "sent as `file` in a multipart request, like importDelegationList. Its rows may name "
        "the lists of the dataset folder and the documented lists in the graph (one imported "
        "through importDelegationList, say). Dry run by default (no key needed); `dryRun: "
        "false` needs the API key and writes the claims atomically unless there is an error."
    )
    async def import_claims_table(
        self, info: strawberry.Info, file: UploadFile, dry_run: bool = True
    ) -> ImportResult:
        return await import_table(info, file, ImportKind.CLAIMS_TABLE, None, dry_run)
