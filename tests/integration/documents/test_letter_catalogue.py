"""PLT-7 / PLT-2: every letter type, in every format, against its golden file.

The goldens (tests/goldens/letters/) hold what a reader gets from each sample letter:
page count, smallest font, tagging and the text. A lost paragraph, a wrong figure, a
font under 16 pt in large print or an untagged PDF fails here. After a deliberate
change to a letter: ``make goldens`` and review the diff.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import pytest

from covernote.documents.catalogue import BY_KEY, CATALOGUE, letter_type
from covernote.documents.goldens import GOLDEN_DIR, golden_path, pdf_facts, snapshot
from covernote.documents.rendering import LARGE_PRINT_MIN_PT, OutputFormat

KEYS = [t.key for t in CATALOGUE]
PAIRS = [(t.key, o) for t in CATALOGUE for o in t.outputs]
PDFS = [(k, o) for k, o in PAIRS if o.is_pdf]
LARGE = [t.key for t in CATALOGUE if OutputFormat.LARGE_PRINT in t.outputs]
TEXT = [t.key for t in CATALOGUE if OutputFormat.TEXT in t.outputs]


def ids(pairs):
    return [f"{k}-{o.value}" for k, o in pairs]


@cache
def rendered(key: str, output: OutputFormat) -> bytes:
    return BY_KEY[key].render_sample(output)


@cache
def facts(key: str, output: OutputFormat):
    return pdf_facts(rendered(key, output))


@pytest.mark.parametrize(("key", "output"), PAIRS, ids=ids(PAIRS))
def test_plt7_every_letter_type_matches_its_golden_in_every_format(key, output):
    path = golden_path(BY_KEY[key], output)
    assert path.exists(), f"no golden for {key} {output.value}: run `make goldens`"
    assert snapshot(BY_KEY[key], output) == path.read_text(encoding="utf-8"), (
        f"{path.name} differs from the rendered sample; if the change is deliberate, "
        "run `make goldens` and review the diff"
    )


def test_plt2_every_customer_letter_comes_in_large_print():
    assert set(LARGE) == {
        t.key for t in CATALOGUE if t.channels[0] != "staff download (sent on by hand)"
    }


@pytest.mark.parametrize("key", LARGE)
def test_plt2_large_print_uses_16pt_or_more_on_every_line(key):
    # RNIB clear print: body, tables, the regulatory footer and the page numbers.
    large = facts(key, OutputFormat.LARGE_PRINT)
    assert large.smallest_pt >= LARGE_PRINT_MIN_PT
    text = " ".join(large.page_texts)
    assert "authorised and regulated" in text and f"Page 1 of {large.pages}" in text
    assert large.pages >= facts(key, OutputFormat.STANDARD).pages


@pytest.mark.parametrize(("key", "output"), PDFS, ids=ids(PDFS))
def test_plt7_every_pdf_is_tagged_pdf_ua_with_language_and_title(key, output):
    f = facts(key, output)
    sample = BY_KEY[key].sample()
    assert f.tagged and f.pdfua
    assert f.language == "en-GB"
    assert f.title == sample.title


def test_plt7_untagged_option_writes_a_pdf_without_structure():
    f = pdf_facts(letter_type("gap_schedule").render_sample(OutputFormat.UNTAGGED))
    assert not f.tagged and not f.pdfua


def test_plt7_golden_notices_a_lost_paragraph():
    letter = letter_type("complaint_final_response")
    sample = letter.sample()
    paragraphs = sample.context["paragraphs"]
    shortened = dataclasses.replace(
        sample, context={**sample.context, "paragraphs": paragraphs[:2] + paragraphs[3:]}
    )
    lost = dataclasses.replace(letter, sample=lambda: shortened)
    golden = golden_path(letter, OutputFormat.TEXT).read_text(encoding="utf-8")
    assert snapshot(letter, OutputFormat.TEXT) == golden
    assert snapshot(lost, OutputFormat.TEXT) != golden


def test_plt7_golden_notices_a_wrong_figure():
    letter = letter_type("gap_claim_approved")
    sample = letter.sample()
    content = sample.context["letter"]
    para = content.blocks[1]  # "... We will pay £X. This is how we worked it out:"
    assert para.strong.startswith("£")
    wrong_amount = para.strong[:-1] + ("1" if para.strong[-1] != "1" else "2")
    wrong = dataclasses.replace(
        content,
        blocks=(
            content.blocks[0],
            dataclasses.replace(para, strong=wrong_amount),
            *content.blocks[2:],
        ),
    )
    changed = dataclasses.replace(sample, context={**sample.context, "letter": wrong})
    golden = golden_path(letter, OutputFormat.STANDARD).read_text(encoding="utf-8")
    assert para.strong in golden
    assert (
        snapshot(dataclasses.replace(letter, sample=lambda: changed), OutputFormat.STANDARD)
        != golden
    )


def test_plt7_every_golden_file_belongs_to_a_catalogued_letter():
    expected = {golden_path(t, o).name for t in CATALOGUE for o in t.outputs}
    present = {p.name for p in GOLDEN_DIR.glob("*.txt")}
    assert present == expected


def test_plt7_catalogue_keys_are_unique_and_every_entry_cites_rules():
    assert len(KEYS) == len(set(KEYS))
    for t in CATALOGUE:
        assert t.rules and t.trigger and t.channels and t.formats, t.key


@pytest.mark.parametrize("key", TEXT)
def test_plt7_plain_text_letter_has_no_markup_and_keeps_every_paragraph(key):
    text = rendered(key, OutputFormat.TEXT).decode()
    assert "<" not in text and "{%" not in text and "{{" not in text
    if key in LARGE:  # a letter: the address in Royal Mail order, the date fixed (issue 13)
        assert "Mrs Margaret Holloway\n14 Beacon Row\nLEEDS\nLS6 2AB" in text
        assert "1 May 2026" in text
        if key != "gap_statement":  # a statement of insurance greets no one
            assert "Dear Mrs Holloway," in text
        assert "(firm reference number 300001)" in text  # the sender's FCA identity
    sample = BY_KEY[key].sample()
    for paragraph in sample.context.get("paragraphs", ()):
        assert " ".join(paragraph.split()) in text


def test_plt7_output_format_names_are_forgiving_and_errors_name_the_field():
    assert OutputFormat.parse("large_print") is OutputFormat.LARGE_PRINT
    assert OutputFormat.parse("pdf-ua") is OutputFormat.STANDARD
    assert OutputFormat.parse("tagged") is OutputFormat.STANDARD
    with pytest.raises(ValueError, match="format: unknown format 'braile'"):
        OutputFormat.parse("braile")


def test_plt2_cli_renders_any_sample_in_large_print(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "theft.pdf"
    call_command("letters", "render", "yd_theft_ack", sample=True, format="large-print", out=out)
    f = pdf_facts(out.read_bytes())
    assert f.smallest_pt >= LARGE_PRINT_MIN_PT and f.tagged
    assert f.title == letter_type("yd_theft_ack").sample().title


def test_plt7_cli_refuses_an_unknown_type_or_format_naming_the_field():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="type: unknown letter type"):
        call_command("letters", "render", "no_such_letter", sample=True, format="text")
    with pytest.raises(CommandError, match="format: unknown format"):
        call_command("letters", "render", "yd_theft_ack", sample=True, format="braile")


def test_plt7_a_staff_document_refuses_a_format_it_does_not_come_in():
    with pytest.raises(ValueError, match="format: yd_evidence_pack comes in standard, text only"):
        letter_type("yd_evidence_pack").render_sample(OutputFormat.LARGE_PRINT)


def test_plt7_every_document_kind_the_services_issue_is_in_the_catalogue():
    # A letter added to a service without a catalogue entry (and goldens) fails here.
    import re
    from pathlib import Path

    from django.conf import settings

    from covernote.domain.complaints.letters import LetterType

    src = Path(settings.BASE_DIR) / "src" / "covernote"
    issued = set()
    for app in ("gap", "young_driver", "telematics"):
        for path in (src / app).rglob("*.py"):
            issued |= set(re.findall(r'kind="((?:gap|yd)_[a-z_]+)"', path.read_text()))
    issued |= {f"complaint_{t.value}" for t in LetterType}
    catalogued = {t.kind for t in CATALOGUE}
    assert len(issued) > 20
    assert issued <= catalogued, sorted(issued - catalogued)
