"""Strict base64url: one text for every byte string, and nothing else accepted."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from concernshare.crypto._b64 import b64decode, b64decode_ascii, b64encode

URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@given(st.binary(max_size=200))
def test_round_trip(data: bytes) -> None:
    """Every byte string decodes back from its encoding."""
    assert b64decode(b64encode(data)) == data


@given(st.binary(max_size=200))
def test_encoding_is_unpadded_url_base64(data: bytes) -> None:
    """The encoding is RFC 4648 base64url with the padding removed."""
    assert b64encode(data) == base64.urlsafe_b64encode(data).decode().rstrip("=")


@given(st.text(alphabet=URL_ALPHABET, max_size=60))
def test_accepted_text_is_canonical(text: str) -> None:
    """Any text that decodes is exactly the encoding of what it decodes to."""
    try:
        data = b64decode(text)
    except ValueError:
        return
    assert b64encode(data) == text


def test_known_answers() -> None:
    """RFC 4648 §10 test vectors, without padding."""
    pairs = [(b"", ""), (b"f", "Zg"), (b"fo", "Zm8"), (b"foo", "Zm9v"), (b"foobar", "Zm9vYmFy")]
    for data, text in pairs:
        assert b64encode(data) == text
        assert b64decode(text) == data


def test_url_alphabet_is_used() -> None:
    """Bytes whose standard encoding has + and / come out with - and _."""
    assert b64encode(b"\xfb\xff") == "-_8"
    assert b64decode("-_8") == b"\xfb\xff"


@pytest.mark.parametrize(
    "text",
    [
        "Zg==",  # padding
        "Zm8=",  # padding
        "Zm9v\n",  # whitespace
        " Zm9v",  # whitespace
        "Zm 9v",  # whitespace inside
        "+/8",  # the standard alphabet
        "Zm9v!",  # outside any alphabet
        "Zm9vY",  # 4n+1 characters encode no byte string
        "Zh",  # stray bits after one byte
        "Zm9",  # stray bits after two bytes
        "Zm9vYmF",  # stray bits at the end of a longer text
        "é",  # not ASCII
    ],
)
def test_refuses_non_strict_text(text: str) -> None:
    """Padding, whitespace, other alphabets, impossible lengths and stray bits are refused."""
    with pytest.raises(ValueError, match="base64url"):
        b64decode(text)


def test_refuses_non_string() -> None:
    """Bytes or other values are not texts and are refused."""
    with pytest.raises(ValueError, match="base64url"):
        b64decode(b"Zm9v")  # type: ignore[arg-type]


@given(st.text(alphabet=URL_ALPHABET + "+/= \n!", max_size=60))
def test_bytes_are_decoded_as_their_text(text: str) -> None:
    """The decoder of bytes accepts exactly what the decoder of text accepts, and gives the same bytes."""
    try:
        expected: bytes | None = b64decode(text)
    except ValueError:
        expected = None
    try:
        assert b64decode_ascii(text.encode("ascii")) == expected
    except ValueError:
        assert expected is None


@pytest.mark.parametrize("raw", [b'Zm9"', b"Zm9\\", b"Zm\xc3\xa9", b"Zm9v\x00", b"Zg==", b"+/8", b"Zh", b"Zm9vY"])
def test_bytes_outside_the_alphabet_are_refused(raw: bytes) -> None:
    """A quote, a backslash (the start of a JSON escape), a non-ASCII or control byte, and what text refuses."""
    with pytest.raises(ValueError, match="base64url"):
        b64decode_ascii(raw)
