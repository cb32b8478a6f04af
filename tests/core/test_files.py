"""Uploaded file names lose the characters that could make them lie about what they are."""

from __future__ import annotations

import pytest

from lde.core.files import safe_file_name


def test_a_right_to_left_override_cannot_disguise_an_executable() -> None:
    assert safe_file_name("invoice\u202efdp.exe", default="file") == "invoicefdp.exe"


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("report\u202a\u202b\u202c\u202d.pdf", "report.pdf"),
        ("a\u2066b\u2067c\u2068d\u2069.txt", "abcd.txt"),
        ("\u200emarked\u200f\u061c.csv", "marked.csv"),
        ("tab\there\nnew\rline\x00nul\x7fdel\x85nel.txt", "tabherenewlinenuldelnel.txt"),
        ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
        ("line\u2028para\u2029.txt", "linepara.txt"),
        ("C:\\Users\\someone\\minutes.docx", "minutes.docx"),
        ("../../etc/passwd", "passwd"),
        ("  many   spaces  .pdf ", "many spaces .pdf"),
        ("نامه\u200cها.pdf", "نامه\u200cها.pdf"),  # the non-joiner Persian spelling needs
        ("Équipe d’été.xlsx", "Équipe d’été.xlsx"),
    ],
)
def test_control_format_and_bidirectional_characters_are_removed(
    uploaded: str, stored: str
) -> None:
    assert safe_file_name(uploaded, default="file") == stored


@pytest.mark.parametrize("uploaded", [None, "", "\u202e", "folder/", " . ", "\x00\x01"])
def test_a_name_with_nothing_left_gets_the_default(uploaded: str | None) -> None:
    assert safe_file_name(uploaded, default="evidence") == "evidence"


def test_a_long_name_is_cut_to_200_characters_keeping_its_extension() -> None:
    stored = safe_file_name("x" * 300 + ".pdf", default="file")
    assert stored == "x" * 196 + ".pdf"
    assert safe_file_name("y" * 300, default="file") == "y" * 200
