"""Sample letters from fixed demo data, for the catalogue, the CLI and the golden tests (PLT-7).

Every sample is built in memory — no database, no clock: the customer is the demo's
Mrs Margaret Holloway (unsaved), every date is fixed around :data:`SAMPLE_DATE`, and
the figures come from the real domain calculations (GAP claim benefit, GAP
cancellation refund) with the shipped product configuration in force on that date.
The words come from the same domain functions the services call, so a sample changes
exactly when a real letter would.

Every sample carries the letterhead a real letter gets (ADR 0021): the sending
intermediary and Mrs Holloway's broker, Northgate Motor Brokers, with the FCA firm
reference numbers, company numbers and registered offices the demo loads
(``covernote demo``), and the ``[disclosures]`` (insurer, FSCS, applicable law) of the
product version in force on :data:`SAMPLE_DATE`; the address in Royal Mail order and the
greeting the customer chose come from the same ``Customer`` properties the services use.

By product: ``common`` (the customer, letterhead and ``Sample``), ``gap``,
``young_driver`` (telematics letters included) and ``complaints``.
"""
