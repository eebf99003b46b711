"""Issue 10: the calculators' payloads are pydantic models; the CLI prints their schema.

``covernote calc NAME --schema`` prints JSON Schema for the input and the output; a sample
payload for each calculator validates against the printed schema (with the jsonschema
library when it is installed, and always by a pydantic round trip), and the calculator's
answer validates against the printed output schema.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from covernote import calculators
from covernote.calculators.contract import CalcInputError
from covernote.cli.calc import main as calc_main
from covernote.domain.errors import DomainError, ErrorCode

SAMPLES = {
    "gap-claim": {
        "purchase_price": "20000",
        "settlement": "12500",
        "motor_excess": 350,
        "limit_of_liability": "10000",
    },
    "gap-cancellation": {
        "premium": "436.80",
        "start": "2026-01-10",
        "end": "2029-01-09",
        "purchased": "2026-01-10",
        "cancel_on": "2027-03-20",
    },
    "yd-cancellation": {
        "premium": "1200.00",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "cancel_on": "2026-03-01",
        "fees_paid": {"arrangement": "100"},
        "smartbox_returned_on": "2026-03-10",
    },
    "yd-review": {
        "renewal_premium": "1000.00",
        "current_premium": "1400.00",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "review_date": "2026-06-30",
        "proposed_premium": "1600.00",
    },
    "complaint-clock": {
        "received_at": "2026-12-24T16:00:00+00:00",
        "nation": "england",
        "procedure": "broker_platform",
    },
    "fos-eligibility": {"complainant": "business", "employees": 8},
}


def _cli(args: list[str], stdin: str = "") -> tuple[int | None, str]:
    out = io.StringIO()
    code = calc_main(args, io.StringIO(stdin), out)
    return code, out.getvalue()


def _validate(schema: dict, instance: object) -> None:
    try:
        import jsonschema
    except ModuleNotFoundError:  # not locked: the pydantic round trip below still runs
        return
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator)


def test_every_calculator_has_a_sample():
    assert set(SAMPLES) == set(calculators.available())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_api_input_calc_schema_validates_a_sample_payload_and_the_answer(name):
    code, out = _cli([name, "--schema"])
    assert code == 0
    printed = json.loads(out)
    assert printed["name"] == name and printed["rules"]
    assert printed["input"]["additionalProperties"] is False
    # Every input field names the rule its refusal cites.
    assert all("x-rule" in p for p in printed["input"]["properties"].values())
    _validate(printed["input"], SAMPLES[name])
    module = calculators.module(name)
    # Round trip: the printed schema is the model's, and the model accepts the sample.
    assert printed["input"] == json.loads(json.dumps(module.Input.model_json_schema()))
    data = module.Input.model_validate(SAMPLES[name])
    assert module.Input.model_validate(data.model_dump(mode="json")) == data
    answer = calculators.get(name)(dict(SAMPLES[name]))
    _validate(printed["output"], answer)
    assert TypeAdapter(module.Output).validate_python(answer).model_dump(mode="json") == answer


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_api_input_calc_schema_refuses_an_unknown_field_as_the_model_does(name):
    with pytest.raises(CalcInputError) as err:
        calculators.get(name)({**SAMPLES[name], "colour": "red"})
    assert err.value.field == "colour" and err.value.code is ErrorCode.INVALID


def test_api_input_calc_list_names_every_calculator_with_its_rules():
    code, out = _cli(["--list"])
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == calculators.available()
    assert "GAP-COVER-1" in next(x for x in lines if x.startswith("gap-claim"))


def test_api_input_calc_refusal_lists_every_invalid_field_with_its_rule():
    bad = {**SAMPLES["gap-claim"], "settlement": 12500.5, "motor_excess": "-1", "x": 1}
    code, out = _cli(["gap-claim"], json.dumps(bad))
    assert code == 2
    error = json.loads(out)["error"]
    assert (error["field"], error["rule"]) == ("settlement", "GAP-DEF-SETTLE")
    assert [(e["field"], e["rule"]) for e in error["errors"]] == [
        ("settlement", "GAP-DEF-SETTLE"),
        ("motor_excess", "GAP-COVER-3"),
        ("x", "GAP-COVER"),
    ]


def test_api_input_calc_unknown_calculator_schema_is_not_found():
    code, out = _cli(["nope", "--schema"])
    assert code == 2 and json.loads(out)["error"]["code"] == "not_found"


def test_api_input_calc_management_command_prints_the_schema():
    out = io.StringIO()
    call_command("calc", "yd-review", "--schema", stdout=out)
    assert json.loads(out.getvalue())["input"]["title"] == "YdReviewInput"


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["2026-02-30", "12500.00", "-1", "NaN", "1e999", "2026-01-01T00:00:00"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    data=st.data(),
)
def test_api_input_any_json_payload_is_answered_or_refused_naming_a_field(name, data):
    """Whatever JSON arrives, a calculator answers or refuses with a DomainError naming the
    field (one it sent or one of its schema's) and a rule — never another exception."""
    payload = dict(SAMPLES[name])
    key = data.draw(st.sampled_from([*payload, "unexpected"]))
    payload[key] = data.draw(JSON_VALUES)
    try:
        answer = calculators.get(name)(payload)
    except DomainError as exc:
        assert exc.rule
        known = {*payload, *calculators.module(name).Input.model_fields}
        assert exc.field is None or exc.field.split(".")[0] in known
    else:
        json.dumps(answer)
