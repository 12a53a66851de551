"""Planning batch by batch while writing (import_steps) sends exactly the steps, in exactly the
order, that planning everything first would, and leaves the same plan behind."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from graph_loaders.importer import ImportPlan, import_steps, plan_import
from graph_loaders.pipeline import dataset_files, validate
from graph_loaders.synthetic import generate
from tests.datasets import DATA_DIR


def _documented() -> BaseModel:
    validated = validate(dataset_files(DATA_DIR), DATA_DIR / "corpus")
    assert validated.problems == []
    return validated.dataset


@pytest.mark.parametrize("batch_size", [7, 5_000])
@pytest.mark.parametrize("which", ["documented", "synthetic"])
def test_streamed_steps_equal_the_whole_plan(which: str, batch_size: int) -> None:
    dataset = _documented() if which == "documented" else generate("inner-mongolia", 2, scale=0.05)
    whole = plan_import(dataset)
    plan = ImportPlan()
    assert list(import_steps(dataset, plan, batch_size)) == whole.steps(batch_size)
    assert plan == whole
    assert plan.row_count == whole.row_count


def test_steps_whose_rows_are_not_kept_are_the_same_and_counted() -> None:
    """``keep_rows=False`` (what an import does): the same steps, and a plan that counts the
    relationship rows it let go instead of keeping them."""
    dataset = generate("inner-mongolia", 3, scale=0.05)
    whole = plan_import(dataset)
    plan = ImportPlan()
    assert list(import_steps(dataset, plan, 700, keep_rows=False)) == whole.steps(700)
    assert plan.nodes == whole.nodes
    assert set(plan.links) < set(whole.links)  # only the structural links are kept
    assert plan.streamed_links == sum(
        len(whole.links[name]) for name in set(whole.links) - set(plan.links)
    )
    assert plan.link_count == whole.link_count == sum(map(len, whole.links.values()))
    assert plan.row_count == whole.row_count
