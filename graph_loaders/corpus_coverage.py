"""What the sources state that the dataset does not carry: document numbers, dates and counts.

The corpus is the ground truth, and the dataset is meant to hold everything it states. This
module finds the three kinds of fact that a reader can spot mechanically in the text, and
tells which of them no record carries, so that a test can keep the two in step.

**Found** (in each source's normalised text, :func:`graph_loaders.quotes.normalise`: no
whitespace, no pinyin notes):

* *document numbers*: ``〔2019〕34号`` and the same with ``[ ]``, ``［ ］`` or ``（ ）``/``( )``
  around the year, a lost closing bracket included (``〔201922号`` in ``002_…`` is
  ``〔2019〕22号``), with the issuer code before it (``内机编办发``) shown for the reader;
* *dates*: ``2019年2月1日``, ``2019年5月`` (``底`` after it changes nothing), ``2019年``,
  a month and day without the year (``2月2日``) or a month's end (``2月底``), and a year run
  into its month where extraction lost the 年 (``20188月`` = 2018年8月);
* *counts*: an Arabic number (decimals, 万/萬, 余/多 included) followed by a measure word
  (个, 名, 项, 条, 支, 家, 人, 次, 年 for a duration, ...; :data:`MEASURE_WORDS`), and
  percentages. Numbers inside a date or a document number are not counts.

Not found, by design: numbers without a measure word (``党政机构35(``, where extraction lost
the 个, and slogans such as ``1+3+N`` or the hotline ``12310``) and numbers written in Chinese
numerals (``三定``, ``两个不突破``, ``四次干部调整``): these are names of policies and
ordinals far more often than counts, and no regular expression tells which. docs/sources.md
says so beside the list of what is explained rather than carried.

**Carried**: a mention is carried when a record (of any section, nested count entries and
disagreement statements included) both *quotes* it — one of its quotes, found in the same
source, covers the mention's place in the text — and *states its value* in a field: a count
as a number field (a percentage as a fraction too: 41.4% is ``0.414``; 1.8万 is 18000), a
date as ``date``/``valid_from``/``valid_to`` (a month-day without year matches any year), a
document number as ``doc_number``. A quote that merely contains the text does not carry it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from pydantic import BaseModel

from graph_loaders.dataset import Dataset
from graph_loaders.quotes import normalise

Kind = Literal["doc_number", "date", "count"]

#: Words that follow a number that counts something (Simplified and Traditional forms).
_WORDS = "个 個 名 项 項 条 條 支 家 人 次 期 块 塊 批 轮 輪 类 類 步 套 辆 輛 间 間 户 戶"
_WORDS += " 件 所 位 年 天 张 張 本 份 处 處 座 组 組 字 副 正 办 辦 镇 鎮 小项 小項 个月 個月"
MEASURE_WORDS: Final = tuple(_WORDS.split())

#: How much context a mention's snippet shows before it (people find it in the text by it).
CONTEXT: Final = 12

_DOC_NUMBER: Final = re.compile(
    r"[〔［\[（(](?P<year>\d{4})[〕］\]）)]?(?P<number>\d{1,4})号"
)
_FULL_DATE: Final = re.compile(
    r"(?<![\d.])(?P<year>\d{4})年?(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?"
)
_YEAR: Final = re.compile(r"(?<![\d.])(?P<year>\d{4})年(?!\d)")
_MONTH_DAY: Final = re.compile(r"(?<![\d年.])(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|底)")
_COUNT: Final = re.compile(
    r"(?<![\d.])(?P<number>\d+(?:\.\d+)?)(?P<ten_thousand>[万萬])?[余多]?"
    r"(?:(?P<unit>" + "|".join(sorted(MEASURE_WORDS, key=len, reverse=True)) + r")|(?P<percent>%))"
)


@dataclass(frozen=True)
class Mention:
    """One document number, date or count as a source prints it."""

    source: str
    kind: Kind
    text: str  # as printed (normalised), e.g. 〔2019〕34号, 2019年2月1日, 41.4%
    snippet: str  # CONTEXT characters before it and the mention: how the docs name it
    start: int  # offsets in the normalised source
    end: int
    value: str | float  # 2019-02-01 / --02-02 / 2019:34 / 41.4 (a percentage in percent)

    @property
    def key(self) -> tuple[str, Kind, str]:
        """What identifies it for people: source, kind and snippet (the two copies of the
        yearbook text in ``000_…`` give the same key)."""
        return (self.source, self.kind, self.snippet)


def _date_value(year: str | None, month: str | None, day: str | None) -> str | None:
    if month is not None and not 1 <= int(month) <= 12:
        return None
    parts = [year or "-"]
    parts += [f"{int(month):02d}"] if month else []
    parts += [f"{int(day):02d}"] if day else []
    return "-".join(parts)


def mentions(source: str, text: str) -> list[Mention]:
    """Every document number, date and count in one source's normalised text, in order."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(kind: Kind, start: int, end: int, value: str | float) -> None:
        if any(start < b and a < end for a, b in taken):
            return  # inside a document number or a date already found
        taken.append((start, end))
        snippet = text[max(0, start - CONTEXT) : end]
        found.append(Mention(source, kind, text[start:end], snippet, start, end, value))

    for m in _DOC_NUMBER.finditer(text):
        add("doc_number", m.start(), m.end(), f"{m['year']}:{int(m['number'])}")
    for m in _FULL_DATE.finditer(text):
        value = _date_value(m["year"], m["month"], m["day"])
        if value is not None:
            add("date", m.start(), m.end(), value)
    for m in _YEAR.finditer(text):
        add("date", m.start(), m.end(), m["year"])
    for m in _MONTH_DAY.finditer(text):
        value = _date_value(None, m["month"], m["day"])
        if value is not None:
            add("date", m.start(), m.end(), value)
    for m in _COUNT.finditer(text):
        number = float(m["number"]) * (10_000 if m["ten_thousand"] else 1)
        add("count", m.start(), m.end(), number)
    return sorted(found, key=lambda mention: mention.start)


# ----------------------------------------------------------------------- what records say


@dataclass
class _Stated:
    numbers: set[float]
    dates: set[str]
    doc_numbers: set[str]
    quotes: list[tuple[str, str]]  # (source, quote)


_DATE_FIELDS: Final = ("date", "valid_from", "valid_to")


def _walk(model: BaseModel, stated: _Stated) -> None:
    for name, value in model.__dict__.items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            stated.numbers.add(float(value))
        elif name in _DATE_FIELDS and isinstance(value, str):
            stated.dates.add(value)
        elif name == "doc_number" and isinstance(value, str):
            stated.doc_numbers |= {f"{m['year']}:{int(m['number'])}" for m in _doc_numbers(value)}
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    if {"source", "quote"} <= set(type(item).model_fields):
                        stated.quotes.append((item.source, item.quote))  # type: ignore[attr-defined]
                    else:
                        _walk(item, stated)


def _doc_numbers(text: str) -> Iterator[re.Match[str]]:
    yield from _DOC_NUMBER.finditer(normalise(text))


def _records(dataset: Dataset) -> Iterator[BaseModel]:
    for _section, value in dataset:
        if isinstance(value, list):
            yield from (record for record in value if isinstance(record, BaseModel))


def _spans(text: str, quote: str) -> Iterator[tuple[int, int]]:
    needle = normalise(quote)
    if not needle:
        return
    start = text.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def _carries(stated: _Stated, mention: Mention) -> bool:
    value = mention.value
    if mention.kind == "count":
        assert isinstance(value, float)
        percent = mention.text.endswith("%")
        return any(
            abs(n - value) < 1e-9 or (percent and abs(n * 100 - value) < 1e-6)
            for n in stated.numbers
        )
    if mention.kind == "date":
        assert isinstance(value, str)
        if value.startswith("-"):
            return any(d[4:] == value[1:] or d[4:].startswith(value[1:]) for d in stated.dates)
        return value in stated.dates
    return value in stated.doc_numbers


def uncarried(dataset: Dataset, corpus: Mapping[str, str]) -> list[Mention]:
    """The mentions of every source in ``corpus`` (file name → normalised text) that no record
    of ``dataset`` carries, in source and text order."""
    covering: dict[str, list[tuple[int, int, _Stated]]] = {}
    for record in _records(dataset):
        stated = _Stated(set(), set(), set(), [])
        _walk(record, stated)
        for source, quote in stated.quotes:
            text = corpus.get(source)
            if text is not None:
                spans = covering.setdefault(source, [])
                spans += [(a, b, stated) for a, b in _spans(text, quote)]
    missing: list[Mention] = []
    for source in sorted(corpus):
        for mention in mentions(source, corpus[source]):
            if not any(
                a <= mention.start and mention.end <= b and _carries(stated, mention)
                for a, b, stated in covering.get(source, [])
            ):
                missing.append(mention)
    return missing


def distinct(found: Iterable[Mention]) -> list[Mention]:
    """One mention per key (the second copy of a repeated passage adds nothing)."""
    seen: dict[tuple[str, Kind, str], Mention] = {}
    for mention in found:
        seen.setdefault(mention.key, mention)
    return list(seen.values())
