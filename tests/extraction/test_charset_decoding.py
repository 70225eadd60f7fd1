"""Charset decoding (SECURITY-CASES C11): the cases Synapse's `MediaEncodingTestCase` and
Mastodon's link-card specs pin down, on small pages written here."""

from __future__ import annotations

import codecs

import pytest

from extraction.charset import codec_for_label, declared_codec, decode_html
from extraction.page import parse_page

JAPANESE_TITLE = "日本語のページ"
JAPANESE_TEXT = "これはShift_JISで書かれたページです。文字化けしないでください。"


def sjis_page(meta: str) -> bytes:
    html = f"<html><head>{meta}<title>{JAPANESE_TITLE}</title></head><body><p>{JAPANESE_TEXT}</p>"
    return html.encode("shift_jis")


def test_shift_jis_header_beats_a_lying_utf8_meta() -> None:
    body = sjis_page('<meta charset="utf-8">')
    decoded = decode_html(body, "Shift_JIS")
    assert (decoded.encoding, decoded.source) == ("cp932", "http")
    assert JAPANESE_TITLE in decoded.text


def test_shift_jis_bytes_labelled_utf8_are_detected() -> None:
    """Mastodon's `sjis_with_wrong_charset.html`: the meta lies and there is no header."""
    body = sjis_page('<meta charset="utf-8">')
    decoded = decode_html(body)
    assert decoded.source == "detected"
    assert JAPANESE_TITLE in decoded.text
    assert parse_page(body, url="https://example.jp/").title == JAPANESE_TITLE


def test_shift_jis_bytes_with_a_lying_utf8_header_are_detected() -> None:
    decoded = decode_html(sjis_page(""), "utf-8")
    assert JAPANESE_TITLE in decoded.text


def test_windows_1252_bytes_without_any_charset() -> None:
    """Synapse's `test_windows_1252`: one accented byte, nothing declared."""
    page = parse_page(b"<html><head><title>\xf3</title></head></html>", url="https://a.example/")
    assert page.title == "ó"


def test_invalid_label_is_ignored() -> None:
    """Synapse's `test_invalid_encoding`: an unknown label must not break decoding."""
    body = b'<html><head><meta charset="invalid-encoding"><title>caf\xe9</title></head></html>'
    assert parse_page(body, url="https://a.example/", http_charset="bogus").title == "café"


def test_utf8_spelled_without_hyphen() -> None:
    body = '<meta charset="utf8"><title>Ünïcödé</title>'.encode()
    assert codec_for_label("utf8") == "utf-8"
    assert codec_for_label(" UTF8 ") == "utf-8"
    assert parse_page(body, url="https://a.example/", http_charset="utf8").title == "Ünïcödé"


def test_meta_charset_alone_decides_for_legacy_bytes() -> None:
    body = '<meta charset="windows-1251"><title>Привет мир</title>'.encode("cp1251")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("cp1251", "meta")
    assert "Привет мир" in decoded.text


def test_http_equiv_content_type_declaration() -> None:
    body = (
        '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
        "<title>Съешь же ещё этих мягких французских булок</title>"
    ).encode("koi8_r")
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("koi8-r", "meta")
    assert "французских" in decoded.text


def test_no_charset_anywhere_and_utf8_bytes() -> None:
    body = "<title>Zażółć gęślą jaźń</title>".encode()
    decoded = decode_html(body)
    assert (decoded.encoding, decoded.source) == ("utf-8", "utf-8")
    assert "Zażółć" in decoded.text


def test_valid_utf8_wins_over_a_declared_legacy_charset() -> None:
    """Pages stored as UTF-8 but declaring gb2312/windows-1251 (qq, pikabu in the corpus)."""
    body = '<meta charset="gb2312"><title>中文网页</title>'.encode()
    assert decode_html(body).encoding == "utf-8"
    assert parse_page(body, url="https://a.example/").title == "中文网页"


def test_a_few_stray_bytes_in_a_utf8_page_stay_utf8() -> None:
    """metainspector's invalid_utf8_byte_seq: a UTF-8 page with one Latin-1 byte in it."""
    text = "Ciudades, arquitectura y diseño urbano en América Latina " * 3
    body = b'<meta charset="utf-8"><title>' + text.encode() + b"\xbfD\xf3nde?</title>"
    decoded = decode_html(body, "UTF-8")
    assert decoded.source == "mostly-utf-8"
    assert "diseño urbano" in decoded.text
    assert "\ufffd" in decoded.text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("iso-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-sjis", "cp932"),
        ("Shift_JIS", "cp932"),
        ("windows-1250", "cp1250"),
        ("euc-kr", "cp949"),
        ("big5", "big5hkscs"),
        ('"utf-8"', "utf-8"),
    ],
)
def test_whatwg_labels_map_to_superset_codecs(label: str, codec: str) -> None:
    assert codec_for_label(label) == codec
    codecs.lookup(codec)


@pytest.mark.parametrize("label", ["", "bogus", "utf-7", "base64", "rot13", "iso-2022-kr", "x"])
def test_labels_browsers_ignore(label: str) -> None:
    assert codec_for_label(label) is None


def test_iso_8859_1_label_reads_windows_1252_quotes() -> None:
    body = b'<meta charset="iso-8859-1"><title>\x93quoted\x94 \x80</title>'
    assert "“quoted” €" in decode_html(body).text


def test_windows_1252_bytes_python_leaves_undefined_become_c1_controls() -> None:
    body = b'<meta charset="windows-1252"><title>a\x81b</title>'
    decoded = decode_html(body)
    assert decoded.encoding == "cp1252"
    assert "a\x81b" in decoded.text


def test_windows_1250_polish() -> None:
    body = '<meta charset="Windows-1250"><title>Zażółć gęślą jaźń</title>'.encode("cp1250")
    assert parse_page(body, url="https://rp.example/").title == "Zażółć gęślą jaźń"


def test_byte_order_mark_beats_everything() -> None:
    body = codecs.BOM_UTF16_LE + '<meta charset="koi8-r"><title>Ŵ</title>'.encode("utf-16-le")
    decoded = decode_html(body, "iso-8859-1")
    assert (decoded.encoding, decoded.source) == ("utf-16-le", "bom")
    assert "<title>Ŵ</title>" in decoded.text


def test_utf16_header_without_bom() -> None:
    body = "<title>Ŵales</title>".encode("utf-16-le")
    assert "<title>Ŵales</title>" in decode_html(body, "utf-16").text


def test_xml_declaration_counts_as_a_declaration() -> None:
    body = f'<?xml version="1.0" encoding="Shift_JIS"?><title>{JAPANESE_TITLE}</title>'
    assert declared_codec(body.encode("shift_jis")) == "cp932"


def test_utf16_declared_in_a_meta_means_utf8() -> None:
    assert declared_codec(b'<meta charset="utf-16">') == "utf-8"


def test_declaration_inside_a_comment_is_ignored() -> None:
    assert declared_codec(b'<!-- <meta charset="koi8-r"> --><meta charset="cp1251">') == "cp1251"
