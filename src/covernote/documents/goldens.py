"""Golden files for every letter type and format (PLT-2, PLT-7).

A golden is what a reader gets out of a sample letter: for a PDF its page count, the
smallest font size used, its tagging (PDF/UA-1, language, title) and the text of each
page; for plain text the text itself. ``tests/goldens/letters/<type>.<format>.txt``
holds the expected file; the golden tests compare, so a lost paragraph, a wrong figure
or a too-small font fails. Regenerate them all with ``make goldens`` (``covernote
letters goldens --update``) after a deliberate change, and review the diff.

Text is reflowed (whitespace folded, wrapped at 100 characters) so the goldens depend
on the words and their pages, not on where Pango happens to break a line.

Reading PDFs needs ``pypdf`` (a development dependency: tests and ``make goldens``).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from covernote.documents.catalogue import CATALOGUE, LetterType
from covernote.documents.rendering import OutputFormat

GOLDEN_DIR = Path(settings.BASE_DIR) / "tests" / "goldens" / "letters"
WIDTH = 100


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    smallest_pt: float
    page_texts: tuple[str, ...]
    tagged: bool
    language: str
    title: str
    pdfua: bool


def _matrix_scale(tm: Any, cm: Any) -> float:
    """Vertical scale of the text matrix times the current transformation matrix."""
    c, d = tm[2], tm[3]  # the text matrix's y axis
    aa, bb, cc, dd = cm[0], cm[1], cm[2], cm[3]
    return math.hypot(c * aa + d * cc, c * bb + d * dd)


def pdf_facts(data: bytes) -> PdfFacts:
    """Page count, smallest rendered font size (pt), text and tagging of a PDF."""
    from pypdf import PdfReader  # development dependency

    reader = PdfReader(io.BytesIO(data))
    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, font_size: float) -> None:
        if text.strip():
            sizes.append(round(float(font_size) * _matrix_scale(tm, cm), 2))

    texts = tuple(page.extract_text(visitor_text=visit) or "" for page in reader.pages)
    root: Any = reader.trailer["/Root"]
    meta = reader.metadata
    xmp = root.get("/Metadata")
    xmp_text = xmp.get_object().get_data().decode("utf-8", "replace") if xmp is not None else ""
    return PdfFacts(
        pages=len(reader.pages),
        smallest_pt=min(sizes) if sizes else 0.0,
        page_texts=texts,
        tagged="/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked")),
        language=str(root.get("/Lang", "")),
        title=str(meta.title) if meta is not None and meta.title else "",
        pdfua="pdfuaid:part" in xmp_text,
    )


def reflow(text: str) -> str:
    """Words of ``text`` wrapped at :data:`WIDTH`, one paragraph (whitespace folded)."""
    # A compound broken across lines at its hyphen ("GAP-DEF-" / "SETTLE") is one word.
    joined = re.sub(r"(?<=\w-)\s*\n\s*", "", text)
    return textwrap.fill(" ".join(joined.split()), WIDTH, break_on_hyphens=False)


def snapshot(letter: LetterType, output: OutputFormat) -> str:
    """The golden text of one sample letter in one format."""
    data = letter.render_sample(output)
    head = f"# {letter.key} ({letter.name}), {output.value}. Regenerate: make goldens\n"
    if not output.is_pdf:
        return head + "---\n" + data.decode()
    facts = pdf_facts(data)
    lines = [
        head.rstrip("\n"),
        f"pages: {facts.pages}",
        f"smallest font: {facts.smallest_pt:g} pt",
        f"tagged: {'yes' if facts.tagged else 'no'}; PDF/UA-1: {'yes' if facts.pdfua else 'no'}",
        f"language: {facts.language}",
        f"title: {facts.title}",
    ]
    for number, text in enumerate(facts.page_texts, start=1):
        lines += [f"--- page {number} ---", reflow(text)]
    return "\n".join(lines) + "\n"


def golden_path(letter: LetterType, output: OutputFormat) -> Path:
    return GOLDEN_DIR / f"{letter.key}.{output.value}.txt"


def update_goldens(
    letters: tuple[LetterType, ...] = CATALOGUE,
    outputs: tuple[OutputFormat, ...] | None = None,
) -> list[Path]:
    """Write every golden; returns the files that changed (new files included)."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    for letter in letters:
        for output in outputs or letter.outputs:
            path = golden_path(letter, output)
            text = snapshot(letter, output)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                changed.append(path)
    expected = {golden_path(t, o) for t in CATALOGUE for o in t.outputs}
    for stale in sorted(GOLDEN_DIR.glob("*.txt")):
        if stale not in expected and letters == CATALOGUE:
            stale.unlink()
            changed.append(stale)
    return changed


__all__ = ["GOLDEN_DIR", "PdfFacts", "golden_path", "pdf_facts", "snapshot", "update_goldens"]
