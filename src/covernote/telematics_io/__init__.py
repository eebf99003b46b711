"""Telematics I/O (YD-SCORE-1, YD-DATA-1): ingest parsing, raw-point storage, MQTT.

Plain Python (no Django): ``ingest`` turns request bodies into the canonical points
schema, ``store`` keeps raw points in hive-partitioned Parquet with a quarantine, and
``mqtt`` subscribes to device topics. The pure scoring kernel is
:mod:`covernote.domain.telematics`.
"""
