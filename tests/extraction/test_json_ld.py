"""JSON-LD readers and the lenient JSON loader."""

from __future__ import annotations

from extraction.jsondata import MAX_JSON_CHARS, loads_lenient
from extraction.jsonld import first_text, first_url, read_json_ld, subjects, types_of


def test_loads_lenient() -> None:
    assert loads_lenient('{"a": "\\u002F"}') == {"a": "/"}
    assert loads_lenient('<![CDATA[ {"a": 1} ]]>') == {"a": 1}
    assert loads_lenient('/*<![CDATA[*/ {"a": 1}; /*]]>*/') == {"a": 1}
    assert loads_lenient('{"a": "line\nbreak"}') == {"a": "line\nbreak"}
    assert loads_lenient("{broken") is None
    assert loads_lenient("") is None
    assert loads_lenient("[" * 10_000 + "]" * 10_000) is None
    assert loads_lenient(" " * (MAX_JSON_CHARS + 1) + "{}") is None


def test_read_json_ld_flattens_graphs_and_lists() -> None:
    objects = read_json_ld(
        [
            '{"@type": "WebPage", "@graph": [{"@type": "A"}, 1, {"@type": "B"}]}',
            '[{"@type": "C"}, [{"@type": "nested"}]]',
            '{"@graph": [{"@type": "D"}]}',
            "null",
        ]
    )
    assert [types_of(obj) for obj in objects] == [
        {"WebPage"},
        {"A"},
        {"B"},
        {"C"},
        {"D"},
    ]


def test_types_of() -> None:
    assert types_of({"@type": "http://schema.org/Person"}) == {"Person"}
    assert types_of({"@type": ["schema:Article", "NewsArticle", 3]}) == {"Article", "NewsArticle"}
    assert types_of({}) == frozenset()


def test_subjects_skip_site_objects_and_follow_main_entity() -> None:
    objects = (
        {"@type": "BreadcrumbList"},
        {"@type": "Organization", "name": "Org"},
        {"@type": "ProfilePage", "mainEntity": {"@type": "Person", "name": "P"}},
    )
    assert [obj.get("name") for obj in subjects(objects)] == [None, "P"]


def test_first_text_and_first_url() -> None:
    obj = {
        "name": ["", {"@value": "Value"}],
        "image": [{"@type": "ImageObject", "contentUrl": "https://a/img.png"}],
        "logo": {"@id": "https://a/logo.png"},
        "blank": "  ",
    }
    assert first_text(obj, "blank", "name") == "Value"
    assert first_text(obj, "missing") is None
    assert first_url(obj, "image") == "https://a/img.png"
    assert first_url(obj, "logo") == "https://a/logo.png"
    assert first_url(obj, "name") is None
