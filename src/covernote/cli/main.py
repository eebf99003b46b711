"""The ``covernote`` console command: Django's management commands under one name.

covernote migrate | covernote demo | covernote calc gap-claim < in.json | covernote audit verify
"""

from __future__ import annotations

import os
import sys


def fast_help() -> str:
    """Django's command list without starting Django (no models, no apps): the same
    groups and names, found on disk, so ``covernote --help`` answers at once (issue 11)."""
    import pkgutil
    from importlib.util import find_spec
    from pathlib import Path

    from django.conf import settings

    def package_dir(name: str) -> Path | None:
        spec = find_spec(name)  # imports the parents only, never the package itself
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations)))

    def find_commands(management: Path) -> list[str]:  # as django.core.management does
        found = pkgutil.iter_modules([str(management / "commands")])
        return [name for _, name, is_pkg in found if not is_pkg and not name.startswith("_")]

    # As Django does: an app's command overrides one of the same name from a later app.
    core = package_dir("django.core.management")
    owner = dict.fromkeys(find_commands(core) if core else [], "django")
    for app in reversed(settings.INSTALLED_APPS):
        where = package_dir(app)
        if where is not None:
            owner.update(dict.fromkeys(find_commands(where / "management"), app.rpartition(".")[2]))
    groups: dict[str, list[str]] = {}
    for name, group in owner.items():
        groups.setdefault(group, []).append(name)
    lines = [
        "",
        "Type 'covernote help <subcommand>' for help on a specific subcommand.",
        "",
        "Available subcommands:",
    ]
    for group in sorted(groups):
        lines += ["", f"[{group}]", *(f"    {name}" for name in sorted(groups[group]))]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["calc"]:
        # Fast start (issue 11): a calculator is a pure function; no Django needed.
        from covernote.cli.calc import main as calc_main

        code = calc_main(args[1:], sys.stdin, sys.stdout)
        if code is not None:
            sys.exit(code)
    # `serve` is the production server: production settings unless told otherwise (issue 11).
    # The other commands default to development, as `make run` and the README use them.
    default = "production" if args[:1] == ["serve"] else "dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"covernote.settings.{default}")
    if args in ([], ["--help"], ["-h"], ["help"]):
        sys.stdout.write(fast_help())
        return
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["covernote", *args])
    except ImproperlyConfigured as exc:  # fail closed, with one line naming the variable
        sys.stderr.write(f"covernote: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
