"""docs/cookbook.md shows what the service really answers, on every engine."""

from __future__ import annotations

import pytest

from graph_loaders.pipeline import dataset_files, load
from graph_store import GraphStore
from server.cookbook import COOKBOOK_PAGE, read_recipes, render
from tests.conftest import REPO_ROOT
from tests.datasets import DATA_DIR

pytestmark = pytest.mark.anyio


async def test_cookbook_answers_are_current(store: GraphStore) -> None:
    await load(store, dataset_files(DATA_DIR), DATA_DIR / "corpus")
    recipes = read_recipes(REPO_ROOT / "docs" / "cookbook")
    assert len(recipes) >= 7
    page = await render(store, recipes)
    assert '"errors"' not in page
    assert page == (REPO_ROOT / COOKBOOK_PAGE).read_text(encoding="utf-8"), (
        "docs/cookbook.md is out of date: run `reformgraph cookbook`"
    )
