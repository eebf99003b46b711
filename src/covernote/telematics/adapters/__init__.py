"""Telematics adapters (YD-SCORE-1, YD-DATA-1): the telematics app's edges to the outside.

Plain Python, below the app (ADR 0015): they never import the app's models, services
or selectors. ``parse`` turns request bodies into the canonical points schema,
``store`` keeps raw points in day-partitioned Parquet with a quarantine, ``mqtt``
subscribes to device topics, ``osm`` reads road maps, ``spark`` runs the kernel on a
cluster and ``fixture`` finds the a10kw test data. The pure scoring kernel is
:mod:`covernote.domain.telematics`.
"""
