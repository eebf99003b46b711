"""Work queue fixtures: real source tasks raised by their own services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.integration.complaints.conftest import (  # noqa: F401 (fixtures)
    complaints_procedures,
    register,
)
from tests.integration.gap.conftest import gap_config, gap_ready, sold_policy, valuations  # noqa: F401
from tests.integration.young_driver.conftest import dd_policy, yd_config  # noqa: F401


@pytest.fixture
def overdue_complaints(register):  # noqa: F811
    """Two complaints past their 3rd working day, with the clock tasks the tick raises."""
    from covernote.complaints.services import complaint_clocks_check

    received = timezone.now() - timedelta(days=10)
    north = register("north", received=received)
    harbour = register("harbour", received=received)
    complaint_clocks_check(as_of=timezone.localdate())
    return {"north": north, "harbour": harbour}


@pytest.fixture
def second_agent(users):
    from covernote.accounts.models import Role

    return make_user("agent2@coplus.example", Role.AGENT, users["agent"].firm)
