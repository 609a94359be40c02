"""Which trips run on a given day: calendar.txt (weekdays between two dates) with the
exceptions of calendar_dates.txt (1 = service added that day, 2 = removed), as GTFS defines.

A day is also refused here when it is outside the feed's validity (no figure is made from
a timetable that does not cover it), and the default day is chosen: the weekday inside the
validity with the most trips (the earliest of equals), so a bank holiday is never picked.

API
---
active_trips(feed, day) -> bool array, one per trip of feed.trips
check_day(feed, day) -> None, or ValueError naming the feed, the day and its validity
default_day(feed) -> date
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.io_gtfs import DAYS, Feed


def active_services(feed: Feed, day: date) -> set[str]:
    """The service_ids running on ``day``."""
    stamp = day.strftime("%Y%m%d")
    on: set[str] = set()
    cal = feed.calendar
    if len(cal):
        runs = ((cal[DAYS[day.weekday()]].astype(str) == "1")
                & (cal["start_date"].astype(str) <= stamp)
                & (cal["end_date"].astype(str) >= stamp))
        on = set(cal.loc[runs, "service_id"])
    ex = feed.calendar_dates
    if len(ex):
        today = ex[ex["date"].astype(str) == stamp]
        on |= set(today.loc[today["exception_type"].astype(str) == "1", "service_id"])
        on -= set(today.loc[today["exception_type"].astype(str) == "2", "service_id"])
    return on


def active_trips(feed: Feed, day: date) -> np.ndarray:
    return feed.trips["service_id"].isin(active_services(feed, day)).to_numpy()


def check_day(feed: Feed, day: date) -> None:
    if not feed.start <= day <= feed.end:
        raise ValueError(f"{day.isoformat()} is outside the timetable's validity "
                         f"({feed.start.isoformat()} to {feed.end.isoformat()}, "
                         f"{feed.source.get('file', 'the feed')}): choose a day inside it")


def trips_per_day(feed: Feed) -> pd.Series:
    """Trips running on each day of the validity (calendar rows and exceptions, counted per
    service at once rather than day by day)."""
    days = pd.date_range(feed.start, feed.end, freq="D")
    stamps = days.strftime("%Y%m%d").to_numpy()
    per_service = feed.trips["service_id"].value_counts()
    count = np.zeros(len(days))
    cal = feed.calendar
    if len(cal):
        weights = per_service.reindex(cal["service_id"]).fillna(0).to_numpy()
        start = cal["start_date"].astype(str).to_numpy()[:, None]
        end = cal["end_date"].astype(str).to_numpy()[:, None]
        runs = np.stack([cal[d].astype(str).to_numpy() == "1" for d in DAYS], axis=1)
        on = (start <= stamps) & (end >= stamps) & runs[:, days.day_of_week]
        count += weights @ on
    ex = feed.calendar_dates
    if len(ex):
        pos = pd.Index(stamps).get_indexer(ex["date"].astype(str))
        ok = pos >= 0
        active = np.zeros((len(per_service), len(days)), bool)
        services = pd.Index(per_service.index)
        if len(cal):
            rows = services.get_indexer(cal["service_id"])
            keep = rows >= 0
            np.logical_or.at(active, rows[keep], on[keep])
        sid = services.get_indexer(ex["service_id"])
        ok &= sid >= 0
        kind = ex["exception_type"].astype(str).to_numpy()
        active[sid[ok & (kind == "1")], pos[ok & (kind == "1")]] = True
        active[sid[ok & (kind == "2")], pos[ok & (kind == "2")]] = False
        count = per_service.to_numpy() @ active
    return pd.Series(count.astype(int), index=[d.date() for d in days])


def default_day(feed: Feed) -> date:
    """The weekday (Monday–Friday) of the validity with the most trips running."""
    counts = trips_per_day(feed)
    weekdays = counts[[d.weekday() < 5 for d in counts.index]]
    pool = weekdays if len(weekdays) and weekdays.max() > 0 else counts
    return pool.idxmax() if len(pool) else feed.start


def previous(day: date) -> date:
    return day - timedelta(days=1)
