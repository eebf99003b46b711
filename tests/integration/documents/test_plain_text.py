"""PLT-7 plain text: whatever the words, the text letter keeps every paragraph and row,
in order, with no markup (the email body and the print house's source, PLT-2)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.documents.rendering import render_html, render_text
from covernote.documents.samples.common import SAMPLE_DATE, sample_customer
from covernote.domain.correspondence import DocumentFormat

words = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


def fold(s: str) -> str:
    return " ".join(s.split())


@settings(max_examples=60, deadline=None)
@given(
    paragraphs=st.lists(words, min_size=1, max_size=5),
    rows=st.lists(st.tuples(words, words), max_size=4),
    large=st.booleans(),
)
def test_plt7_plain_text_keeps_every_paragraph_and_row_in_order(paragraphs, rows, large):
    fmt = DocumentFormat.LARGE_PRINT if large else DocumentFormat.STANDARD
    html = render_html(
        "documents/notice.html",
        {
            "customer": sample_customer(),
            "title": "A notice",
            "today": SAMPLE_DATE,
            "paragraphs": paragraphs,
            "rows": rows,
        },
        fmt,
    )
    text = render_text(html)
    at = 0
    for p in paragraphs:
        found = text.find(fold(p), at)
        assert found >= 0, (p, text)
        at = found + len(fold(p))
    for label, value in rows:
        assert f"{fold(label)}: {fold(value)}" in text
    typed = "".join(paragraphs) + "".join(a + b for a, b in rows)
    for markup in ("<", "&lt;", "&amp;", "{{"):
        if markup not in typed:  # escaped on the way into HTML, plain again on the way out
            assert markup not in text
