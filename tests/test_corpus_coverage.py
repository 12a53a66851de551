"""Everything the sources state is in the graph: every document number, date and count the
corpus prints is carried by a record of data/, or explained in docs/sources.md (and the test
knows that list exactly: an explanation that is no longer needed fails too)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from graph_loaders.corpus_coverage import Mention, distinct, mentions, uncarried
from graph_loaders.dataset import Dataset, Provenance, ReformEvent, Statistic
from graph_loaders.pipeline import dataset_files, validate
from graph_loaders.quotes import load_corpus, normalise
from tests.conftest import REPO_ROOT
from tests.datasets import DATA_DIR

SOURCES_DOC = REPO_ROOT / "docs" / "sources.md"
EXPLAINED_ROW = re.compile(
    r"^\| `(?P<source>\d{3}_[0-9a-f]{16}\.txt)` \| (?P<kind>doc_number|date|count) \| "
    r"`(?P<snippet>[^`]+)` \| (?P<why>.+) \|$"
)


def _found(text: str) -> list[tuple[str, str, str | float]]:
    return [(m.kind, m.text, m.value) for m in mentions("x.txt", normalise(text))]


# ------------------------------------------------------------------------ the finder


def test_document_numbers_in_every_bracket_and_with_a_lost_bracket() -> None:
    assert _found("按照《通知》(内机编办发〔2019〕34号)精神") == [
        ("doc_number", "〔2019〕34号", "2019:34")
    ]
    assert _found("即内党办发〔201922号)") == [("doc_number", "〔201922号", "2019:22")]
    assert [v for _, _, v in _found("国发[2016]7号、国办发［2018］15号、内政发(2020)3号")] == [
        "2016:7",
        "2018:15",
        "2020:3",
    ]


def test_dates_at_every_precision_and_no_count_inside_them() -> None:
    text = "于2019年2月1日全部配齐,2月2日完成,2月底完成,2019年5月底上报,20188月印发,"
    text += "2019年我区,截至2020年底"
    assert [(kind, value) for kind, _, value in _found(text)] == [
        ("date", "2019-02-01"),
        ("date", "--02-02"),
        ("date", "--02"),
        ("date", "2019-05"),
        ("date", "2018-08"),  # 年 lost in extraction
        ("date", "2019"),
        ("date", "2020"),
    ]


def test_counts_need_a_measure_word_and_read_wan_yu_and_percent() -> None:
    text = (
        "精简为521个,精简比例为44%;1.8万项行政职能;1300余人;12.3萬余項;用时2个月;"
        "党政机构35(其中;“1+3+N”;“12310”;三定规定;四次干部调整"
    )
    assert [(value, shown) for _, shown, value in _found(text)] == [
        (521.0, "521个"),
        (44.0, "44%"),
        (18000.0, "1.8万项"),
        (1300.0, "1300余人"),
        (123000.0, "12.3萬余項"),
        (2.0, "2个月"),
    ]


def test_a_repeated_passage_is_one_entry() -> None:
    passage = "在这次机构改革后各部门共设置了5个。"  # longer than the snippet's context
    twice = mentions("x.txt", normalise(passage) * 2)
    assert len(twice) == 2
    assert len(distinct(twice)) == 1


# ------------------------------------------------------------------ what "carried" means

CORPUS = {"x.txt": normalise("截至2019年6月,中心共办理事项24596件,办结率97%。另有3个窗口。")}


def _stat(value: float | None, quote: str, date: str | None = None) -> Statistic:
    return Statistic(
        id="stat:x",
        metric="x",
        label="x",
        scope_region="region:x",
        value=value,
        unit="x",
        date=date,
        provenance=[Provenance(source="x.txt", quote=quote)],
    )


def _missing(*records: Statistic | ReformEvent) -> list[str]:
    dataset = Dataset(statistics=[r for r in records if isinstance(r, Statistic)])
    dataset = dataset.model_copy(
        update={"reform_events": [r for r in records if isinstance(r, ReformEvent)]}
    )
    return [m.text for m in uncarried(dataset, CORPUS)]


def test_a_record_carries_what_its_quote_covers_and_its_fields_state() -> None:
    everything = ["2019年6月", "24596件", "97%", "3个"]
    assert _missing() == everything
    handled = _stat(24596, "中心共办理事项24596件,办结率97%")
    assert _missing(handled) == ["2019年6月", "97%", "3个"]  # the quote alone carries nothing
    rate = _stat(0.97, "办结率97%")  # a percentage as a fraction
    dated = _stat(24596, "截至2019年6月,中心共办理事项24596件", date="2019-06")
    assert _missing(handled, rate, dated) == ["3个"]
    elsewhere = _stat(3, "办结率97%")  # the right value, quoted somewhere else
    assert _missing(elsewhere) == everything


# ------------------------------------------------------------------- the real corpus


@cache
def _uncarried() -> list[Mention]:
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    assert validated.problems == []
    return distinct(uncarried(validated.dataset, load_corpus(DATA_DIR / "corpus")))


def _explained(doc: Path = SOURCES_DOC) -> dict[tuple[str, str, str], str]:
    rows = {}
    for line in doc.read_text(encoding="utf-8").splitlines():
        match = EXPLAINED_ROW.match(line)
        if match:
            key = (match["source"], match["kind"], match["snippet"])
            assert key not in rows, f"explained twice: {key}"
            rows[key] = match["why"]
    return rows


def test_the_finder_finds_what_the_sources_are_known_to_state() -> None:
    """Independently known: the two document numbers the issue names, and a few dates and
    counts read off the texts by hand."""
    corpus = load_corpus(DATA_DIR / "corpus")
    found = {(m.source[:3], m.kind, m.value) for s, t in corpus.items() for m in mentions(s, t)}
    for expected in [
        ("002", "doc_number", "2019:34"),  # 内机编办发〔2019〕34号
        ("002", "doc_number", "2019:22"),  # 内党办发〔2019〕22号
        ("002", "date", "2019-02-01"),
        ("002", "date", "2018-08"),
        ("002", "date", "2020-03"),
        ("002", "count", 41.4),
        ("001", "count", 123000.0),
        ("003", "count", 1300.0),
        ("004", "count", 99.0),
    ]:
        assert expected in found, expected
    assert len(found) > 150


def test_everything_the_sources_state_is_carried_or_explained() -> None:
    missing = {m.key: m for m in _uncarried()}
    explained = _explained()
    unexplained = sorted(set(missing) - set(explained))
    stale = sorted(set(explained) - set(missing))
    listed = "\n".join(f"| `{s}` | {k} | `{t}` |" for s, k, t in unexplained)
    assert not unexplained, f"stated in the corpus, carried by no record, unexplained:\n{listed}"
    assert not stale, f"explained in docs/sources.md, but carried or not in the corpus: {stale}"


def test_each_explanation_says_why() -> None:
    for key, why in _explained().items():
        assert len(why.strip()) > 20, key


@pytest.mark.parametrize(
    "number", ["内机编办发〔2019〕34号", "内党办发〔2019〕22号"], ids=["34", "22"]
)
def test_the_two_document_numbers_the_issue_names_are_carried(number: str) -> None:
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    (document,) = [d for d in validated.dataset.documents if d.doc_number == number]
    assert document.provenance
    assert all(m.kind != "doc_number" for m in _uncarried())
