"""Configuration that must stop start-up or load nothing, and API keys made to be usable."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from schema.auth import bearer_token, hash_key, key_is_valid
from server.app import create_app
from server.cli import main
from server.settings import ConfigurationError, Settings, load_settings

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
    assert "invalid configuration: REFORMGRAPH_API_KEY_HASHES: entry 1" in result.output
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


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("REFORMGRAPH_CORS_ORIGINS", "https://ok.example.org,https://a.example.org/", "entry 2"),
        ("REFORMGRAPH_CORS_ORIGINS", "explorer.example.org", "is not an origin"),
        ("REFORMGRAPH_CORS_ORIGINS", "https://a.example.org/explorer", "no path"),
        ("REFORMGRAPH_CORS_ORIGINS", "ftp://a.example.org", "is not an origin"),
        ("REFORMGRAPH_CORS_ORIGINS", "https://a.example.org:port", "is not an origin"),
        ("NEO4J_URI", "db.example.org:7687", "not a Neo4j URI"),
        ("NEO4J_URI", "http://db.example.org:7474", "not a Neo4j URI"),
        ("NEO4J_URI", "bolt://", "not a Neo4j URI"),
        ("REFORMGRAPH_NEO4J_URI", "https://db.example.org", "not a Neo4j URI"),
        ("REFORMGRAPH_PORT", "80000", "less than or equal to 65535"),
        ("REFORMGRAPH_FALKORDB_PORT", "-1", "greater than or equal to 0"),
        ("REFORMGRAPH_ENGINE_PORT", "six", "valid integer"),
        ("REFORMGRAPH_SYNTHETIC_PROFILE", "china", "'inner-mongolia' or 'national'"),
    ],
)
def test_a_bad_setting_is_refused_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, said: str
) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)  # set when the suite also runs on Neo4j
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    message = str(refused.value)
    named = "NEO4J_URI" if variable == "REFORMGRAPH_NEO4J_URI" else variable
    assert message.startswith(f"invalid configuration: {named}: "), message
    assert said in message


def test_every_bad_setting_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFORMGRAPH_CORS_ORIGINS", "https://a.example.org/")
    monkeypatch.setenv("REFORMGRAPH_PORT", "0x50")
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    problems = str(refused.value).removeprefix("invalid configuration: ").split("; ")
    assert sorted(p.split(":")[0] for p in problems) == [
        "REFORMGRAPH_CORS_ORIGINS",
        "REFORMGRAPH_PORT",
    ]


def test_a_neo4j_uri_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "s3cret-password"
    monkeypatch.setenv("NEO4J_URI", f"http://neo4j:{secret}@db.example.org")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert "invalid configuration: NEO4J_URI: not a Neo4j URI" in result.output
    assert secret not in result.output


@pytest.mark.parametrize(
    ("origins", "expected"),
    [
        ("", []),
        ("*", ["*"]),
        (
            " https://explorer.example.org , http://127.0.0.1:5173,",
            ["https://explorer.example.org", "http://127.0.0.1:5173"],
        ),
        ("http://[::1]:8080", ["http://[::1]:8080"]),
    ],
)
def test_good_origins_are_accepted(origins: str, expected: list[str]) -> None:
    assert Settings(cors_origins=origins).origins == expected


@pytest.mark.parametrize(
    "uri", ["neo4j://db:7687", "neo4j+s://db.example.org", "bolt://127.0.0.1:7687", "bolt+ssc://db"]
)
def test_good_neo4j_uris_are_accepted(uri: str) -> None:
    assert Settings(neo4j_uri=f" {uri} ").neo4j_uri == uri
    assert Settings(neo4j_uri=uri).uses_neo4j


def test_an_empty_neo4j_uri_means_the_local_engine() -> None:
    assert Settings(neo4j_uri="").uses_neo4j is False
    assert Settings(neo4j_uri="").neo4j_uri is None


def test_the_app_refuses_bad_settings_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFORMGRAPH_CORS_ORIGINS", "https://a.example.org/")
    with pytest.raises(ConfigurationError, match="REFORMGRAPH_CORS_ORIGINS: entry 1"):
        create_app()
