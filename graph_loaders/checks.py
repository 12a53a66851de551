"""Whole-dataset checks: what no single record can know about itself.

Run after :func:`graph_loaders.dataset_reader.read_dataset_files`, on its merged dataset. Every
check runs and every problem is returned (nothing is raised), each pointing at the record and
field through the origin the reader attached. The checks keep the graph honest:

* ids are unique across all sections and files (they are global), and so are regions' codes;
* every reference points at a record of the right section (parent, region, superior, list,
  item, body, inputs/outputs, ...), and regions and bodies have no cycles;
* every documented record has provenance, every provenance source is a declared source whose
  file is in the corpus folder, and every quote is found there verbatim, whitespace aside;
* synthetic and documented facts do not mix silently: a synthetic record must not carry
  quotes (it would look documented), and a documented record must not rest on a synthetic one;
* counts that sources give together add up (a list's counts by type, a claim rate).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from domain import LEVEL_ORDER, ListKind
from graph_loaders.dataset import (
    SECTIONS,
    ClaimSummary,
    Dataset,
    Delegation,
    Disagreement,
    Exercise,
    Holding,
    Model,
    PowerItem,
    PowerList,
    Provenance,
    ReformEvent,
    Region,
)
from graph_loaders.problems import Problem
from graph_loaders.quotes import load_corpus, normalise, quote_in_source

#: Tolerance when a stated rate is compared with claimed/of (sources round to 0.1%).
RATE_TOLERANCE = 0.0006


def check_dataset(
    ds: Dataset, corpus_dir: Path | str, extra_sources: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every problem of a merged dataset that needs more than one record to see.

    ``extra_sources`` (file name → text) are documents given with the dataset rather than
    kept in the corpus, such as an uploaded delegation list: quotes from them are checked
    against their own text, and they count as declared sources.
    """
    corpus = load_corpus(corpus_dir)
    extra = {name: normalise(text) for name, text in (extra_sources or {}).items()}
    checker = _Checker(ds, {**corpus, **extra}, str(corpus_dir), set(extra))
    checker.lines = {name: _lines(text) for name, text in (extra_sources or {}).items()}
    checker.raw_lines = {name: text.splitlines() for name, text in (extra_sources or {}).items()}
    checker.run()
    return checker.problems


class _Checker:
    def __init__(
        self, ds: Dataset, corpus: dict[str, str], corpus_dir: str, given: set[str]
    ) -> None:
        self.ds = ds
        self.corpus = corpus
        self.corpus_dir = corpus_dir
        self.given = given  # documents given with the dataset: always declared
        self.problems: list[Problem] = []
        self.ids: dict[str, tuple[str, Model]] = {}  # id → (section, record)
        self.source_files: set[str] = set()
        # the normalised lines of given documents: a quote that is a whole line (a region
        # tree's row) is found in one look-up, not a scan of the text (44,699 rows nationally)
        self.lines: dict[str, frozenset[str]] = {}
        # the lines of given documents as they are: a quote read from a table's row (an
        # item's name) is looked for on the record's own line first. Scanning the whole text
        # for each made a 10 MB list's checks quadratic: 48,000 rows took 150 s (issue 14)
        self.raw_lines: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ helpers

    def report(
        self, record: Model, field: str, reason: str, section: str = "", index: int | None = None
    ) -> None:
        origin = record.origin
        if origin is not None:
            line = origin.field_lines.get(field, origin.line) if field else origin.line
            self.problems.append(Problem(origin.file, origin.location, field, reason, line))
        else:
            where = f"{section}[{index}]" if index is not None else section
            self.problems.append(Problem("<dataset>", where, field, reason))

    def each(self, section: str) -> Iterator[tuple[int, Model]]:
        yield from enumerate(self.ds.records(section))

    def is_synthetic(self, record: Model) -> bool:
        return self.ds.synthetic or bool(getattr(record, "synthetic", False))

    def ref(
        self,
        record: Model,
        field: str,
        target: str | None,
        *sections: str,
        section: str,
        index: int,
    ) -> Model | None:
        """Check that ``target`` is the id of a record in one of ``sections``."""
        if target is None:
            return None
        found = self.ids.get(target)
        wanted = " or ".join(s.rstrip("s").replace("_", " ") for s in sections)
        if found is None:
            self.report(record, field, f"unknown {wanted} {target!r}", section, index)
            return None
        if found[0] not in sections:
            self.report(
                record,
                field,
                f"{target!r} is a {found[0].rstrip('s')}, not a {wanted}",
                section,
                index,
            )
            return None
        if not self.is_synthetic(record) and self.is_synthetic(found[1]):
            self.report(
                record,
                field,
                f"documented record refers to synthetic {target!r}: a documented fact "
                "cannot rest on generated data",
                section,
                index,
            )
        return found[1]

    # ------------------------------------------------------------------ checks

    def run(self) -> None:
        self.check_ids()
        self.check_codes()
        self.check_sources()
        self.check_references()
        self.check_cycles()
        self.check_statutory()
        self.check_counts()
        self.check_provenance()

    def check_ids(self) -> None:
        for section in SECTIONS:
            for index, record in self.each(section):
                record_id = getattr(record, "id", None)
                if record_id is None:
                    continue
                if record_id in self.ids:
                    _first_section, first = self.ids[record_id]
                    where = first.origin
                    at = f" (first in {where.file}: {where.location})" if where else ""
                    self.report(record, "id", f"duplicate id {record_id!r}{at}", section, index)
                else:
                    self.ids[record_id] = (section, record)

    def check_codes(self) -> None:
        """An official code names one region: two with the same code would be two nodes for
        one place, and a lookup by code could not choose."""
        first: dict[str, Region] = {}
        for index, region in enumerate(self.ds.regions):
            if region.code is None:
                continue
            other = first.setdefault(region.code, region)
            if other is not region:
                self.report(
                    region, "code", f"code {region.code} is also {other.id!r}'s", "regions", index
                )

    def check_sources(self) -> None:
        self.source_files = {s.file for s in self.ds.sources} | self.given
        for index, source in enumerate(self.ds.sources):
            if source.file not in self.corpus:
                self.report(
                    source,
                    "file",
                    f"source file {source.file!r} is not in the corpus folder {self.corpus_dir}",
                    "sources",
                    index,
                )

    def check_references(self) -> None:
        ref = self.ref
        for i, r in enumerate(self.ds.regions):
            parent = ref(r, "parent", r.parent, "regions", section="regions", index=i)
            if isinstance(parent, Region) and LEVEL_ORDER[parent.level] >= LEVEL_ORDER[r.level]:
                self.report(
                    r,
                    "parent",
                    f"parent {parent.id!r} ({parent.level.value}) is not above {r.level.value}",
                    "regions",
                    i,
                )
        for i, b in enumerate(self.ds.bodies):
            ref(b, "region", b.region, "regions", section="bodies", index=i)
            ref(b, "superior", b.superior, "bodies", section="bodies", index=i)
            if b.superior_relation is not None and b.superior is None:
                self.report(b, "superior_relation", "set without a superior", "bodies", i)
        for i, pl in enumerate(self.ds.power_lists):
            ref(pl, "scope_region", pl.scope_region, "regions", section="power_lists", index=i)
        for i, doc in enumerate(self.ds.documents):
            ref(doc, "scope_region", doc.scope_region, "regions", section="documents", index=i)
        for i, item in enumerate(self.ds.power_items):
            ref(item, "list", item.list, "power_lists", section="power_items", index=i)
        for section in ("holdings", "exercises"):
            for i, link in self.each(section):
                assert isinstance(link, Holding | Exercise)
                ref(link, "body", link.body, "bodies", section=section, index=i)
                ref(link, "item", link.item, "power_items", section=section, index=i)
        for i, d in enumerate(self.ds.delegations):
            self.check_delegation(i, d)
        for i, c in enumerate(self.ds.claims):
            ref(c, "region", c.region, "regions", section="claims", index=i)
            ref(c, "list", c.list, "power_lists", section="claims", index=i)
            claimed = ref(c, "item", c.item, "power_items", section="claims", index=i)
            if isinstance(claimed, PowerItem) and claimed.list != c.list:
                self.report(
                    c,
                    "item",
                    f"item {c.item!r} is in list {claimed.list!r}, not {c.list!r}",
                    "claims",
                    i,
                )
        for i, s in enumerate(self.ds.claim_summaries):
            ref(s, "region", s.region, "regions", section="claim_summaries", index=i)
            ref(s, "list", s.list, "power_lists", section="claim_summaries", index=i)
        for i, e in enumerate(self.ds.reform_events):
            ref(e, "region", e.region, "regions", section="reform_events", index=i)
            for field in ("inputs", "outputs"):
                for j, body in enumerate(getattr(e, field) or []):
                    ref(e, f"{field}[{j}]", body, "bodies", section="reform_events", index=i)
            for j, earlier in enumerate(e.follows or []):
                ref(e, f"follows[{j}]", earlier, "reform_events", section="reform_events", index=i)
        for i, st in enumerate(self.ds.statistics):
            ref(st, "scope_region", st.scope_region, "regions", section="statistics", index=i)
        metrics = {st.metric for st in self.ds.statistics}
        for i, dis in enumerate(self.ds.disagreements):
            if dis.about not in self.ids and dis.about not in metrics:
                self.report(
                    dis,
                    "about",
                    f"{dis.about!r} is neither a record id nor a statistic metric",
                    "disagreements",
                    i,
                )

    def check_statutory(self) -> None:
        """A statutory list (法定) is what towns hold by law: nothing in it is delegated,
        claimed or held by an original body, so nothing may count it as a delegation."""
        statutory = {pl.id for pl in self.ds.power_lists if pl.kind is ListKind.STATUTORY}
        if not statutory:
            return
        items = {item.id for item in self.ds.power_items if item.list in statutory}
        reason = "is in a statutory list (法定): towns hold its items by law"
        for section, verb in (
            ("delegations", "delegated"),
            ("claims", "claimed"),
            ("claim_summaries", "claimed"),
        ):
            for i, record in self.each(section):
                listed = getattr(record, "list", None)
                if listed in statutory:
                    self.report(
                        record, "list", f"{listed!r} {reason}, nothing in it is {verb}", section, i
                    )
        for i, holding in self.each("holdings"):
            assert isinstance(holding, Holding)
            if holding.item in items:
                self.report(
                    holding,
                    "item",
                    f"{holding.item!r} {reason}: it has no original holder",
                    "holdings",
                    i,
                )

    def check_delegation(self, i: int, d: Delegation) -> None:
        ref = self.ref
        ref(d, "list", d.list, "power_lists", section="delegations", index=i)
        item = ref(d, "item", d.item, "power_items", section="delegations", index=i)
        if isinstance(item, PowerItem) and item.list != d.list:
            self.report(
                d,
                "item",
                f"item {d.item!r} is in list {item.list!r}, not {d.list!r}",
                "delegations",
                i,
            )
        ref(d, "from_body", d.from_body, "bodies", section="delegations", index=i)
        ref(d, "to_region", d.to_region, "regions", section="delegations", index=i)
        ref(d, "to_body", d.to_body, "bodies", section="delegations", index=i)
        if d.to_region is None and d.to_body is None:
            self.report(d, "to_region", "a delegation needs to_region or to_body", "delegations", i)

    def check_cycles(self) -> None:
        parents = {r.id: r.parent for r in self.ds.regions}
        for i, r in enumerate(self.ds.regions):
            if _in_cycle(r.id, parents):
                self.report(
                    r, "parent", f"region hierarchy has a cycle through {r.id!r}", "regions", i
                )
        superiors = {b.id: b.superior for b in self.ds.bodies}
        for i, b in enumerate(self.ds.bodies):
            if _in_cycle(b.id, superiors):
                self.report(
                    b, "superior", f"superior chain has a cycle through {b.id!r}", "bodies", i
                )

    def check_counts(self) -> None:
        items_per_list: dict[str, int] = {}
        for item in self.ds.power_items:
            items_per_list[item.list] = items_per_list.get(item.list, 0) + 1
        for i, pl in enumerate(self.ds.power_lists):
            self.check_power_list(i, pl, items_per_list.get(pl.id, 0))
        for i, s in enumerate(self.ds.claim_summaries):
            self.check_summary(i, s)
        for i, e in enumerate(self.ds.reform_events):
            self.check_event(i, e)
        for i, st in enumerate(self.ds.statistics):
            if st.before is None and st.after is None and st.value is None:
                self.report(
                    st, "value", "a statistic needs value, or before and/or after", "statistics", i
                )

    def check_power_list(self, i: int, pl: PowerList, named: int) -> None:
        counts = pl.item_counts_by_type or []
        if pl.item_count is not None and counts and sum(c.count for c in counts) != pl.item_count:
            self.report(
                pl,
                "item_counts_by_type",
                f"counts by type add up to {sum(c.count for c in counts)}, "
                f"not item_count {pl.item_count}",
                "power_lists",
                i,
            )
        if pl.item_count is not None and named > pl.item_count:
            self.report(
                pl,
                "item_count",
                f"{named} items listed, more than item_count {pl.item_count}",
                "power_lists",
                i,
            )

    def check_summary(self, i: int, s: ClaimSummary) -> None:
        if s.of_count is not None and s.claimed_count > s.of_count:
            self.report(
                s,
                "claimed_count",
                f"claimed {s.claimed_count} of only {s.of_count}",
                "claim_summaries",
                i,
            )
        if s.rate is not None and s.of_count:
            computed = s.claimed_count / s.of_count
            if abs(computed - s.rate) > RATE_TOLERANCE:
                self.report(
                    s,
                    "rate",
                    f"rate {s.rate} but {s.claimed_count}/{s.of_count} = {computed:.4f}",
                    "claim_summaries",
                    i,
                )
        if (
            s.meets_target is not None
            and s.rate is not None
            and s.target_rate is not None
            and s.meets_target != (s.rate >= s.target_rate)
        ):
            self.report(
                s,
                "meets_target",
                f"meets_target {s.meets_target} contradicts "
                f"rate {s.rate} against target {s.target_rate}",
                "claim_summaries",
                i,
            )

    def check_event(self, i: int, e: ReformEvent) -> None:
        for side in ("input", "output"):
            named = len(getattr(e, f"{side}s") or [])
            count = getattr(e, f"{side}_count")
            if count is not None and named > count:
                self.report(
                    e,
                    f"{side}_count",
                    f"{named} {side}s named, more than {side}_count {count}",
                    "reform_events",
                    i,
                )

    def check_provenance(self) -> None:
        for section in SECTIONS:
            if section == "sources":
                continue
            for index, record in self.each(section):
                if isinstance(record, Disagreement):
                    for j, st in enumerate(record.statements):
                        self.check_quote(
                            record, f"statements[{j}]", st.source, st.quote, section, index
                        )
                    continue
                provenance: list[Provenance] = getattr(record, "provenance", [])
                synthetic = self.is_synthetic(record)
                if synthetic:
                    if provenance:
                        self.report(
                            record,
                            "provenance",
                            "a synthetic record must not carry "
                            "provenance quotes (it would pass for a documented one)",
                            section,
                            index,
                        )
                    continue
                if not provenance:
                    self.report(
                        record,
                        "provenance",
                        "documented record without provenance: "
                        "add {source, quote}, or mark it synthetic: true",
                        section,
                        index,
                    )
                for j, p in enumerate(provenance):
                    self.check_quote(record, f"provenance[{j}]", p.source, p.quote, section, index)
                for k, count in enumerate(getattr(record, "item_counts_by_type", None) or []):
                    if not count.provenance:
                        self.report(
                            record,
                            f"item_counts_by_type[{k}].provenance",
                            "documented count without provenance",
                            section,
                            index,
                        )
                    for j, p in enumerate(count.provenance):
                        self.check_quote(
                            record,
                            f"item_counts_by_type[{k}].provenance[{j}]",
                            p.source,
                            p.quote,
                            section,
                            index,
                        )

    def _on_its_line(self, record: Model, source: str, quote: str) -> bool:
        """Whether ``quote`` is on the lines of a given document where ``record`` was read
        (whitespace aside): found there, the whole text need not be scanned."""
        lines = self.raw_lines.get(source)
        origin = record.origin
        if not lines or origin is None or origin.line is None or origin.line < 1:
            return False
        window = "\n".join(lines[origin.line - 1 : origin.line - 1 + QUOTE_WINDOW_LINES])
        return quote_in_source(quote, normalise(window))

    def check_quote(
        self, record: Model, field: str, source: str, quote: str, section: str, index: int
    ) -> None:
        if source not in self.corpus:
            self.report(
                record,
                f"{field}.source",
                f"source {source!r} is not in the corpus "
                f"folder {self.corpus_dir}: the quote points at nothing",
                section,
                index,
            )
            return
        if self.ds.sources and source not in self.source_files:
            self.report(
                record,
                f"{field}.source",
                f"source {source!r} is not declared in sources",
                section,
                index,
            )
        whole_line = normalise(quote) in self.lines.get(source, ())
        if (
            not whole_line
            and not self._on_its_line(record, source, quote)
            and not quote_in_source(quote, self.corpus[source])
        ):
            shown = quote if len(quote) <= 40 else quote[:40] + "…"
            self.report(
                record,
                f"{field}.quote",
                f"quote not found in {source} (whitespace aside): {shown!r}",
                section,
                index,
            )


#: Lines of a given document, from a record's own, in which its quote is looked for first (a
#: table row's cell may hold line breaks).
QUOTE_WINDOW_LINES = 8


def _lines(text: str) -> frozenset[str]:
    """The non-empty lines of a text, normalised as quotes are: each is a substring of the
    normalised text, so finding a quote among them is finding it in the text."""
    return frozenset(line for line in map(normalise, text.splitlines()) if line)


def _in_cycle(start: str, parent_of: dict[str, str | None]) -> bool:
    """Whether following parents from ``start`` comes back to ``start``."""
    seen: set[str] = set()
    current = parent_of.get(start)
    while current is not None and current not in seen:
        if current == start:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


__all__ = ["check_dataset"]
