"""The routing table (``routing.toml``): teams, who leads them, and what each task is.

Read once per process; the table is data so that a team or a due target changes
without touching the source adapters (issue 12, PLT-4, COMP-3).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROUTING_FILE = Path(__file__).with_name("routing.toml")


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


def parse_routing(text: str) -> Routing:
    raw = tomllib.loads(text)
    teams = {
        k: Team(k, v["label"], frozenset(v["members"]), frozenset(v.get("leads", [])))
        for k, v in raw["teams"].items()
    }
    types = {
        k: ItemType(k, v["label"], bool(v.get("work_done_here", False)))
        for k, v in raw["types"].items()
    }
    routes = {
        k: Route(k, v["type"], v["team"], int(v["priority"]), v.get("due_hours"))
        for k, v in raw["routes"].items()
    }
    for r in routes.values():
        if r.team not in teams or r.type not in types:
            raise ValueError(f"route {r.key}: unknown team {r.team!r} or type {r.type!r}")
    defaults = {k: DefaultView(v["owner"], v.get("team", "")) for k, v in raw["defaults"].items()}
    close = raw["close"]
    return Routing(
        teams=teams,
        types=types,
        routes=routes,
        products=dict(raw["products"]),
        defaults=defaults,
        override_roles=frozenset(close["override_roles"]),
        reason_min_words=int(close["reason_min_words"]),
        reason_min_chars=int(close["reason_min_chars"]),
    )


@lru_cache(maxsize=1)
def routing() -> Routing:
    return parse_routing(ROUTING_FILE.read_text(encoding="utf-8"))
