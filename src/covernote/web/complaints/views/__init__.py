"""Complaint pages: list, log, complaint page with clocks and actions, dashboard, return.

Views call selectors and services only. Brokers see complaints about their own
firm's sales, read-only (PLT-4); the complaints team (staff roles) acts.

By capability: ``cases`` (list, log, complaint page), ``actions`` (what the team does
on a complaint), ``reports`` (dashboard, regulatory return), ``customer`` (the customer
app's complaint form); ``_common`` holds the checks they share.
"""
