"""The ranges analytics questions ask about: inclusive day ranges, half-open time ranges
widened to whole units, and time series of whole hours or days; each at most
``max_days`` long (DATAACCESS_ANALYTICS_MAX_DAYS), else INVALID_ARGUMENT naming the
field. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dataaccess_server.domain.model.analytics import Granularity, TimeRange
from dataaccess_server.domain.usage import parse_date
from dataaccess_server.errors import FieldViolation, InvalidArgumentError

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
STEPS = {Granularity.HOUR: HOUR, Granularity.DAY: DAY}
MAX_POINTS = 5_000


class Ranges:
    """The range rules, with the longest range allowed."""

    def __init__(self, max_days: int) -> None:
        self._max_days = max_days

    def series(
        self, start: datetime | None, end: datetime | None, granularity: Granularity | None
    ) -> tuple[TimeRange, Granularity]:
        """A time series' range, widened to whole steps of ``granularity``, and the
        granularity; INVALID_ARGUMENT for none, a bad range or too many points."""
        if granularity is None:
            raise InvalidArgumentError.single("granularity", "must be HOUR or DAY")
        step = STEPS[granularity]
        used = self.times(start, end, step)
        points = (used.end - used.start) // step
        if points > MAX_POINTS:
            raise InvalidArgumentError.single(
                "granularity",
                f"the range holds {points} points of this granularity; at most "
                f"{MAX_POINTS} are allowed: use a coarser granularity or a shorter range",
            )
        return used, granularity

    def days(self, start_text: str, end_text: str) -> tuple[date, date]:
        """An inclusive day range from "YYYY-MM-DD" texts (start_date, end_date)."""
        problems = []
        for name, text in (("start_date", start_text), ("end_date", end_text)):
            if not text:
                problems.append(FieldViolation(name, "is required"))
        if problems:
            raise InvalidArgumentError(problems)
        start, end = parse_date(start_text, "start_date"), parse_date(end_text, "end_date")
        if start > end:
            raise InvalidArgumentError.single("end_date", "must not be before start_date")
        if (end - start).days + 1 > self._max_days:
            raise InvalidArgumentError.single(
                "end_date", f"the range spans more than {self._max_days} days"
            )
        return start, end

    def times(self, start: datetime | None, end: datetime | None, unit: timedelta) -> TimeRange:
        """A half-open range (start_time, end_time), widened to whole ``unit``s."""
        problems = []
        for name, value in (("start_time", start), ("end_time", end)):
            if value is None:
                problems.append(FieldViolation(name, "is required"))
        if problems:
            raise InvalidArgumentError(problems)
        assert start is not None
        assert end is not None
        if start >= end:
            raise InvalidArgumentError.single("end_time", "must be after start_time")
        if end - start > self._max_days * DAY:
            raise InvalidArgumentError.single(
                "end_time", f"the range spans more than {self._max_days} days"
            )
        return TimeRange(floor(start, unit), ceil(end, unit))


def floor(moment: datetime, unit: timedelta) -> datetime:
    """``moment`` (in UTC) rounded down to a whole ``unit`` of its day."""
    moment = moment.astimezone(UTC)
    midnight = datetime.combine(moment.date(), time(), UTC)
    return midnight + ((moment - midnight) // unit) * unit


def ceil(moment: datetime, unit: timedelta) -> datetime:
    """``moment`` (in UTC) rounded up to a whole ``unit`` of its day."""
    floored = floor(moment, unit)
    return floored if floored == moment else floored + unit
