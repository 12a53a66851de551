"""Quote matching: whitespace aside, pinyin notes stripped, nothing else forgiven."""

from __future__ import annotations

from pathlib import Path

from graph_loaders.quotes import load_corpus, normalise, quote_in_source, strip_pinyin

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def test_pinyin_notes_are_stripped() -> None:
    assert strip_pinyin("內(nèi)蒙古自治區(qū)") == "內蒙古自治區"
    assert strip_pinyin("綠(lǜ)色(sè)") == "綠色"
    assert strip_pinyin("政策法规处(研究室)") == "政策法规处(研究室)"  # Chinese parenthetical kept
    assert strip_pinyin("(2019)") == "(2019)"


def test_whitespace_is_ignored_both_sides() -> None:
    text = normalise("机构改革\n 完成情况\u3000汇报")
    assert quote_in_source("机构改革完成 情况", text)
    assert not quote_in_source("   ", text)
    assert not quote_in_source("机构改革完成情况,", text)  # punctuation is not forgiven


def test_real_corpus() -> None:
    corpus = load_corpus(CORPUS)
    assert len(corpus) == 5
    traditional = corpus["001_8458755864b2c64b.txt"]
    assert quote_in_source("內蒙古自治區黨委編辦", traditional)
    assert quote_in_source("內(nèi)蒙古自治區(qū)黨委編辦", traditional)
    assert not quote_in_source("内蒙古自治区党委编办", traditional)  # simplified ≠ traditional
    assert quote_in_source("千里山镇对99条权力事项认领41条", corpus["002_2abc6b63f845ad0d.txt"])


def test_missing_corpus_folder_is_empty() -> None:
    assert load_corpus(CORPUS / "nope") == {}
