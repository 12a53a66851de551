"""Configuration that must stop start-up or load nothing, and API keys made to be usable."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from schema.auth import bearer_token, hash_key, key_is_valid
from server.cli import main
from server.settings import Settings

GOOD_HASH = hashlib.sha256(b"x" * 40).hexdigest()


def test_an_empty_dataset_dir_loads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFORMGRAPH_DATASET_DIR", "")
    assert Settings().dataset_dir is None
    monkeypatch.setenv("REFORMGRAPH_DATASET_DIR", "  ")
    assert Settings().dataset_dir is None
    monkeypatch.setenv("REFORMGRAPH_DATASET_DIR", "data")
    assert str(Settings().dataset_dir) == "data"
    monkeypatch.delenv("REFORMGRAPH_DATASET_DIR")
    assert str(Settings().dataset_dir) == "data"


@pytest.mark.parametrize(
    "configured",
    [
        "abc",
        "my-secret-api-key-that-is-long-enough-to-pass",  # the key itself, pasted by mistake
        GOOD_HASH[:-1],
        GOOD_HASH + "0",
        GOOD_HASH[:-1] + "g",
        f"{GOOD_HASH},{GOOD_HASH[:10]}",
    ],
)
def test_a_key_hash_that_is_not_64_hex_digits_is_refused(configured: str) -> None:
    with pytest.raises(ValidationError, match="64 hex digits"):
        Settings(api_key_hashes=configured)


def test_good_key_hashes_are_accepted() -> None:
    settings = Settings(api_key_hashes=f" {GOOD_HASH.upper()} , {GOOD_HASH} ,")
    assert settings.key_hashes == [GOOD_HASH, GOOD_HASH]
    assert Settings(api_key_hashes="").key_hashes == []


def test_a_bad_key_hash_stops_start_up_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "my-secret-api-key-that-is-long-enough-to-pass"
    monkeypatch.setenv("REFORMGRAPH_API_KEY_HASHES", secret)
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "invalid configuration: api_key_hashes" in result.output
    assert "not a SHA-256 hash (64 hex digits" in result.output
    assert secret not in result.output  # a pasted key is never echoed


def test_hash_key_trims_and_refuses_short_keys() -> None:
    key = "k" * 32
    runner = CliRunner()
    printed = runner.invoke(main, ["hash-key", f"  {key}  "])
    assert printed.exit_code == 0
    assert printed.output.strip() == hash_key(key)
    # the key as a client sends it (trimmed by bearer_token) matches the printed hash
    assert key_is_valid(bearer_token(f"Bearer  {key} "), [printed.output.strip()])
    from_stdin = runner.invoke(main, ["hash-key"], input=f"{key}  \n")
    assert from_stdin.output.strip() == hash_key(key)
    for short in ("x", "k" * 31, "   " + "k" * 31 + "   ", ""):
        refused = runner.invoke(main, ["hash-key", short])
        assert refused.exit_code == 1, short
        assert "at least 32 characters" in refused.output
