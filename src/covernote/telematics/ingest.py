"""Smartbox data in: one service for the upload endpoint, MQTT and files (YD-DATA-1).

Validate and store the raw points (``covernote.telematics.adapters``), reject what is
not ours to keep (unknown or deactivated devices, outside the policy's data
window, another caller's device), then rescore the device-days the batch
touched, mark the box installed on its first data, and open a tamper case for
tamper alarms. Every batch leaves a receipt (:class:`IngestBatch`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
from django.db import transaction

from covernote.audit.services import audit_record
from covernote.domain.calendar import LONDON
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.plausibility import DataWindow
from covernote.domain.young_driver import smartbox as box
from covernote.observability import metrics
from covernote.telematics.adapters.store import ingest_batch, read_devices_days
from covernote.telematics.config import storage_root, telematics_params
from covernote.telematics.models import CaseKind, DeviceCase, IngestBatch
from covernote.telematics.services import ScoreResult, telematics_score
from covernote.young_driver.models import Device, PolicyStatus, YDCancellation, YDPolicy

#: Devices that may send data (a deactivated box never may, YD-DATA-1).
SENDING_STATES = {
    box.DeviceState.DISPATCHED,
    box.DeviceState.INSTALLED,
    box.DeviceState.VERIFIED,
    box.DeviceState.SUSPECTED_FAULTY,
    box.DeviceState.REMOVED,
}


def cover_end(policy: YDPolicy) -> date:
    """The last day of cover: the policy end, or the cancellation's last day."""
    if policy.status in (PolicyStatus.CANCELLED, PolicyStatus.VOID):
        cancellation = YDCancellation.objects.filter(policy=policy).order_by("-id").first()
        if cancellation is not None:
            return cancellation.cancel_on
    return policy.end


def data_window(policy: YDPolicy) -> DataWindow:
    """YD-DATA-1: from the first moment of cover to the end of the 14th day after it ends."""
    start = datetime.combine(policy.start, time(0), tzinfo=LONDON)
    end = datetime.combine(cover_end(policy), time(23, 59, 59, 999999), tzinfo=LONDON)
    return DataWindow.for_policy(start, end)


def telematics_ingest(
    *,
    frame: pl.DataFrame,
    now: datetime,
    caller: str,
    source: str,
    content_type: str = "",
    caller_device: Device | None = None,
) -> IngestBatch:
    """Store a parsed batch and score what it touched; returns the receipt."""
    reasons: dict[str, int] = {}
    rows = frame.height
    if caller_device is not None:
        mine = frame["device_id"].cast(pl.String).str.strip_chars() == caller_device.serial
        not_mine = int((~mine.fill_null(False)).sum())
        if not_mine:
            reasons["device_not_owned"] = not_mine
        frame = frame.filter(mine.fill_null(False))
    serials = [s for s in frame["device_id"].cast(pl.String).unique().to_list() if s]
    devices = {
        d.serial: d
        for d in Device.objects.filter(serial__in=serials, policy__isnull=False).select_related(
            "policy"
        )
    }
    allowed = {
        s: data_window(d.policy)
        for s, d in devices.items()
        if d.state in SENDING_STATES and d.policy
    }
    root = storage_root()
    result = ingest_batch(
        frame,
        allowed_devices=allowed,
        now=now,
        root=root,
        params=telematics_params(now).plausibility,
    )
    for reason, count in result.quarantined.items():
        reasons[reason] = reasons.get(reason, 0) + count
    if result.rejected_unknown_device:
        reasons["unknown_or_deactivated_device"] = result.rejected_unknown_device
    if result.rejected_outside_window:
        reasons["outside_data_window"] = result.rejected_outside_window
    scored = ScoreResult()
    touched = _touched_days(frame, allowed)
    if touched:
        # One read of the touched day files for every device (issue 14), not one per device.
        stored = read_devices_days(root, touched)
        scored = telematics_score(
            points=stored.select("device_id", "ts", "lat", "lon", "speed_kmh", "heading_deg"),
            now=now,
        )
    with transaction.atomic():
        for serial in touched:
            _first_data(devices[serial])
        _tamper_cases(frame, devices, allowed)
        batch = IngestBatch.objects.create(
            source=source,
            caller=caller,
            content_type=content_type,
            rows=rows,
            accepted=result.accepted,
            duplicates=result.duplicates,
            quarantined=result.quarantined_total,
            rejected=result.rejected_unknown_device
            + result.rejected_outside_window
            + reasons.get("device_not_owned", 0),
            reasons=reasons,
            trips=scored.trips,
        )
        audit_record(
            actor=caller,
            action="telematics.ingest",
            obj=batch,
            after={"rows": rows, "accepted": batch.accepted, "reasons": reasons},
        )
    metrics.points_ingested(batch.accepted, source=source)
    for reason, count in reasons.items():
        metrics.points_quarantined(count, reason=reason)
    return batch


def _touched_days(frame: pl.DataFrame, allowed: dict[str, DataWindow]) -> dict[str, set[date]]:
    if frame.height == 0 or not allowed:
        return {}
    ts = frame.get_column("ts")
    if ts.dtype == pl.String:
        ts = ts.str.to_datetime(time_zone="UTC", strict=False)
    elif isinstance(ts.dtype, pl.Datetime) and ts.dtype.time_zone is None:
        ts = ts.dt.replace_time_zone("UTC")
    days = pl.DataFrame(
        {"device_id": frame["device_id"].cast(pl.String), "day": ts.dt.date()}
    ).drop_nulls()
    out: dict[str, set[date]] = {}
    for serial, day in days.unique().iter_rows():
        if serial in allowed:
            out.setdefault(serial, set()).update(
                {day, day - timedelta(days=1)}
            )  # trips across midnight
    return out


def _first_data(device: Device) -> None:
    """YD-BOX-STATE: a dispatched box becomes 'installed' on its first data."""
    from covernote.young_driver.services import yd_device_first_data

    if device.state == box.DeviceState.DISPATCHED:
        yd_device_first_data(device=device, actor="telematics")


def _tamper_cases(
    frame: pl.DataFrame, devices: dict[str, Device], allowed: dict[str, DataWindow]
) -> None:
    """YD-BOX-TAMPER: tamper alarms while in force open one review case per device."""
    if "alarm" not in frame.columns:
        return
    alarms = frame.filter(pl.col("alarm").is_not_null()).select("device_id", "ts", "alarm")
    for key, group in alarms.group_by("device_id"):
        serial = str(key[0])
        device = devices.get(serial)
        if device is None or serial not in allowed or device.policy is None:
            continue
        events = [
            box.DeviceEvent(on=_as_date(ts), alarm=str(alarm))
            for ts, alarm in group.select("ts", "alarm").iter_rows()
        ]
        decision = box.tamper_review(
            events, start=device.policy.start, end=cover_end(device.policy)
        )
        if decision.outcome != "review_case":
            continue
        case = DeviceCase.objects.filter(
            device=device, kind=CaseKind.TAMPER, closed_at__isnull=True
        ).first()
        evidence = [
            {"ts": str(ts), "alarm": str(a)}
            for ts, a in group.select("ts", "alarm").iter_rows()
            if box.is_tamper_alarm(str(a))
        ]
        if case is None:
            case = DeviceCase.objects.create(
                device=device,
                policy=device.policy,
                kind=CaseKind.TAMPER,
                evidence=evidence,
                decision=decision.as_dict(),
            )
            audit_record(
                actor="telematics",
                action="device_case.open",
                obj=case,
                firm_id=device.policy.firm_id,
                after={"kind": "tamper", "alarms": evidence},
            )
        else:
            case.evidence = [*case.evidence, *evidence]
            case.save(update_fields=["evidence"])


def _as_date(ts: Any) -> date:
    if isinstance(ts, datetime):
        return ts.astimezone(LONDON).date() if ts.tzinfo else ts.date()
    if isinstance(ts, str):
        try:
            return datetime.fromisoformat(ts.replace("Z", "+00:00")).astimezone(LONDON).date()
        except ValueError as exc:
            raise DomainError(
                ErrorCode.INVALID, f"unreadable timestamp {ts!r}", "YD-BOX-TAMPER", "ts"
            ) from exc
    raise DomainError(ErrorCode.INVALID, "unreadable timestamp", "YD-BOX-TAMPER", "ts")
