"""Typed inputs for the GAP writes, parsed once at the door (ARCHITECTURE §6, ADR 0008).

The API, the pages, the demo and the calculators build these from what they
received; the services take them and never re-parse. Each ``parse`` reads a
mapping (a request body, a form's values) and raises a ``DomainError`` that names
the field and the rule, with the words the services used before. Checks that need
the clock or the database (a date in the future, the valuation guide, the policy's
state) stay in the services.

No Django model is imported here, so the calculators and the API import it cheaply.

By capability: ``fields`` (the readers and bounds), ``quote``, ``policy``, ``claims``.
"""
