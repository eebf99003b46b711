"""Complaints engine: clocks, procedures, FOS eligibility, returns and letters (SPEC §3 COMP-*)."""
