"""``covernote letters``: the letter catalogue on the command line (PLT-2, PLT-7).

    covernote letters list
    covernote letters render TYPE --sample --format large-print --out FILE
    covernote letters render --all --sample --out DIR          (every type, every format)
    covernote letters goldens [--update]                        (check or rewrite the goldens)

Formats: ``standard`` (tagged PDF/UA-1), ``large-print`` (tagged PDF/UA-1, 16 pt and
over), ``text`` (plain text), ``untagged`` (the old untagged PDF); ``tagged`` and
``pdf-ua`` are names for ``standard``. Samples are built from fixed demo data, so the
same command gives the same letter on any day.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from covernote.documents.catalogue import CATALOGUE, letter_type
from covernote.documents.rendering import OutputFormat


class Command(BaseCommand):
    help = "The letter catalogue: list, render TYPE --sample --format F --out FILE, goldens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "render", "goldens"])
        parser.add_argument("type", nargs="?", help="a letter type from `covernote letters list`")
        parser.add_argument(
            "--sample",
            action="store_true",
            help="render the catalogue's sample (fixed demo data); the only source for now",
        )
        parser.add_argument(
            "--format",
            default="standard",
            help="standard | large-print | text | untagged (tagged, pdf-ua = standard)",
        )
        parser.add_argument("--out", type=Path, help="file to write (a directory with --all)")
        parser.add_argument("--all", action="store_true", help="every type (and format)")
        parser.add_argument(
            "--update", action="store_true", help="goldens: rewrite them instead of checking"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "render":
            self._render(options)
        else:
            self._goldens(update=options["update"])

    def _list(self) -> None:
        for t in CATALOGUE:
            self.stdout.write(
                f"{t.key:<30} {t.product:<26} {t.name} [{', '.join(t.rules)}]\n"
                f"{'':<30} trigger: {t.trigger}"
            )
        formats = ", ".join(f.value for f in OutputFormat)
        self.stdout.write(f"\n{len(CATALOGUE)} letter types; formats: {formats}")

    def _render(self, options: dict[str, Any]) -> None:
        try:
            output = OutputFormat.parse(options["format"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        out: Path | None = options["out"]
        if options["all"]:
            target = out or Path("letters")
            target.mkdir(parents=True, exist_ok=True)
            every = options["format"] == "standard"
            count = 0
            for t in CATALOGUE:
                for o in t.outputs if every else (output,):
                    path = target / f"{t.key}.{o.value}.{o.extension}"
                    path.write_bytes(t.render_sample(o))
                    count += 1
            self.stdout.write(f"{count} files written to {target}")
            return
        if not options["type"]:
            raise CommandError("type: name a letter type (covernote letters list) or use --all")
        try:
            letter = letter_type(options["type"])
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        try:
            data = letter.render_sample(output)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if out is None:
            if output.is_pdf:
                raise CommandError("out: a PDF needs --out FILE")
            self.stdout.write(data.decode(), ending="")
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        self.stdout.write(f"{letter.key} ({output.value}) written to {out}")

    def _goldens(self, *, update: bool) -> None:
        from covernote.documents.goldens import golden_path, snapshot, update_goldens

        if update:
            changed = update_goldens()
            for path in changed:
                self.stdout.write(f"updated {path}")
            self.stdout.write(f"{len(changed)} golden files changed")
            return
        stale = []
        for t in CATALOGUE:
            for o in t.outputs:
                path = golden_path(t, o)
                if not path.exists() or path.read_text(encoding="utf-8") != snapshot(t, o):
                    stale.append(path)
        for path in stale:
            self.stderr.write(f"differs: {path}")
        if stale:
            self.stderr.write(f"{len(stale)} golden files differ; `make goldens` rewrites them")
            sys.exit(1)
        self.stdout.write("every golden matches")
