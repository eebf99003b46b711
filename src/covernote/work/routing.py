"""The routing table (``routing.toml``): teams, who leads them, and what each task is.

Read once per process; the table is data so that a team or a due target changes
without touching the source adapters (issue 12, PLT-4, COMP-3).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from covernote.domain.config_model import ConfigModel, Text, config_error, validate

ROUTING_FILE = Path(__file__).with_name("routing.toml")
RULE = "PLT-CONFIG"


@dataclass(frozen=True)
class Team:
    key: str
    label: str
    members: frozenset[str]
    leads: frozenset[str]


@dataclass(frozen=True)
class ItemType:
    key: str
    label: str
    work_done_here: bool


@dataclass(frozen=True)
class Route:
    key: str
    type: str
    team: str
    priority: int
    due_hours: int | None


@dataclass(frozen=True)
class DefaultView:
    owner: str
    team: str


@dataclass(frozen=True)
class Routing:
    teams: dict[str, Team]
    types: dict[str, ItemType]
    routes: dict[str, Route]
    products: dict[str, str]
    defaults: dict[str, DefaultView]
    override_roles: frozenset[str]
    reason_min_words: int
    reason_min_chars: int

    def route(self, key: str) -> Route:
        return self.routes[key]

    def teams_of(self, role: str) -> list[str]:
        """The teams whose items ``role`` may take."""
        return [t.key for t in self.teams.values() if role in t.members]

    def is_member(self, role: str, team: str) -> bool:
        return team in self.teams and role in self.teams[team].members

    def is_lead(self, role: str, team: str) -> bool:
        return team in self.teams and role in self.teams[team].leads

    def default_for(self, role: str) -> DefaultView:
        return self.defaults.get(role, DefaultView(owner="mine", team=""))


class _Team(ConfigModel):
    label: Text
    members: list[Text] = Field(min_length=1)
    leads: list[Text] = []


class _Type(ConfigModel):
    label: Text
    work_done_here: bool = False


class _Route(ConfigModel):
    type: Text
    team: Text
    priority: int = Field(ge=1, le=3)
    due_hours: int | None = Field(default=None, ge=1)


class _Default(ConfigModel):
    owner: Literal["mine", "unassigned", "anyone"]  # work.selectors.OWNER_CHOICES
    team: str = ""


class _Close(ConfigModel):
    override_roles: list[Text]
    reason_min_words: int = Field(ge=1)
    reason_min_chars: int = Field(ge=1)


class RoutingFile(ConfigModel):
    """``routing.toml``: unknown keys refused, types strict (as the product files, ADR 0025)."""

    teams: dict[str, _Team] = Field(min_length=1)
    close: _Close
    types: dict[str, _Type] = Field(min_length=1)
    routes: dict[str, _Route] = Field(min_length=1)
    products: dict[str, Text]
    defaults: dict[str, _Default]


def parse_routing(text: str, source: str = "routing.toml") -> Routing:
    """The routing table, or one error naming the file, the dotted key and the reason."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise config_error(source, "", f"is not valid TOML ({exc})", RULE) from exc
    f = validate(RoutingFile, raw, source, rule=RULE)
    for key, r in f.routes.items():
        if r.team not in f.teams:
            raise config_error(source, f"routes.{key}.team", f"no team {r.team!r}", RULE)
        if r.type not in f.types:
            raise config_error(source, f"routes.{key}.type", f"no type {r.type!r}", RULE)
    for role, d in f.defaults.items():
        if d.team and d.team not in f.teams:
            raise config_error(source, f"defaults.{role}.team", f"no team {d.team!r}", RULE)
    return Routing(
        teams={
            k: Team(k, v.label, frozenset(v.members), frozenset(v.leads))
            for k, v in f.teams.items()
        },
        types={k: ItemType(k, v.label, v.work_done_here) for k, v in f.types.items()},
        routes={k: Route(k, v.type, v.team, v.priority, v.due_hours) for k, v in f.routes.items()},
        products=dict(f.products),
        defaults={k: DefaultView(v.owner, v.team) for k, v in f.defaults.items()},
        override_roles=frozenset(f.close.override_roles),
        reason_min_words=f.close.reason_min_words,
        reason_min_chars=f.close.reason_min_chars,
    )


@lru_cache(maxsize=1)
def routing() -> Routing:
    return parse_routing(ROUTING_FILE.read_text(encoding="utf-8"), ROUTING_FILE.name)
