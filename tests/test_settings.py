"""Settings read from LINKGRAPH_* variables, each shape validated once (settings.py)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from pydantic import ValidationError

from settings import ConfigurationError, Settings, load_settings


def test_lists_are_comma_separated_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGRAPH_ALLOW_NETWORKS", " 10.0.0.0/8,,192.168.1.7/24 ")
    monkeypatch.setenv("LINKGRAPH_API_KEYS", "alpha, beta ,")
    monkeypatch.setenv("LINKGRAPH_CORS_ORIGINS", "https://a.test,https://b.test")
    monkeypatch.setenv("LINKGRAPH_PUBLIC_URL", "https://api.test/base/")
    settings = Settings()
    assert settings.allow_networks == ("10.0.0.0/8", "192.168.1.7/24")
    assert settings.allowed_networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("192.168.1.0/24"),
    )
    assert tuple(key.get_secret_value() for key in settings.api_keys) == ("alpha", "beta")
    assert settings.cors_origins == ("https://a.test", "https://b.test")
    assert settings.public_url == "https://api.test/base"


def test_a_network_that_is_not_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGRAPH_ALLOW_NETWORKS", "10.0.0.0/8,intranet")
    with pytest.raises(ValidationError, match="allow_networks"):
        Settings()


def test_values_given_in_code_take_the_same_shapes() -> None:
    settings = Settings.model_validate(
        {"api_keys": "k1,k2", "cors_origins": ("*",), "public_url": "http://h.test//"}
    )
    assert tuple(key.get_secret_value() for key in settings.api_keys) == ("k1", "k2")
    assert settings.cors_origins == ("*",)
    assert settings.public_url == "http://h.test"


def test_the_data_directory_is_the_same_wherever_a_command_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LINKGRAPH_DATA_DIR", raising=False)
    seen = []
    for where in ("one", "two"):
        (tmp_path / where).mkdir()
        monkeypatch.chdir(tmp_path / where)
        seen.append(Settings().data_dir)
    assert seen[0] == seen[1]
    assert seen[0].is_absolute()
    assert not seen[0].is_relative_to(tmp_path)


def test_a_bad_value_is_explained_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGRAPH_FAILURE_TTL", "15m")
    monkeypatch.setenv("LINKGRAPH_LOG_FORMAT", "xml")
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    message = str(refused.value)
    assert "\n" not in message
    assert "LINKGRAPH_FAILURE_TTL='15m': input should be a valid integer" in message
    assert "LINKGRAPH_LOG_FORMAT='xml': input should be 'auto', 'json' or 'text'" in message


def test_a_rule_across_settings_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGRAPH_BACKEND", "peekalink")
    monkeypatch.setenv("LINKGRAPH_PEEKALINK_API_KEY", "")
    with pytest.raises(ConfigurationError, match="LINKGRAPH_PEEKALINK_API_KEY must be set"):
        load_settings()


def test_secrets_never_show_in_a_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGRAPH_API_KEYS", "key-one-secret,key-two-secret")
    monkeypatch.setenv("LINKGRAPH_MEDIA_KEY", "media-secret")
    monkeypatch.setenv("LINKGRAPH_PEEKALINK_API_KEY", "peekalink-secret")
    settings = Settings()
    shown = repr(settings) + str(settings) + str(settings.model_dump())
    for secret in ("key-one-secret", "key-two-secret", "media-secret", "peekalink-secret"):
        assert secret not in shown
    assert settings.media_key.get_secret_value() == "media-secret"


def test_peekalink_over_plain_http_needs_saying_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKGRAPH_BACKEND", "peekalink")
    monkeypatch.setenv("LINKGRAPH_PEEKALINK_API_KEY", "pk")
    monkeypatch.setenv("LINKGRAPH_PEEKALINK_URL", "http://peekalink.test/")
    with pytest.raises(ConfigurationError, match="must be an https:// URL"):
        load_settings()
    monkeypatch.setenv("LINKGRAPH_PEEKALINK_ALLOW_HTTP", "true")
    assert load_settings().peekalink_url == "http://peekalink.test/"
    monkeypatch.setenv("LINKGRAPH_PEEKALINK_URL", "https://peekalink.test/")
    monkeypatch.delenv("LINKGRAPH_PEEKALINK_ALLOW_HTTP")
    assert load_settings().peekalink_url == "https://peekalink.test/"
