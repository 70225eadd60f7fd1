"""Settings read from LINKGRAPH_* variables, each shape validated once (settings.py)."""

from __future__ import annotations

import ipaddress

import pytest
from pydantic import ValidationError

from settings import Settings


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
    assert settings.api_keys == ("alpha", "beta")
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
    assert (settings.api_keys, settings.cors_origins) == (("k1", "k2"), ("*",))
    assert settings.public_url == "http://h.test"
