"""Hand-made GTFS timetables for the transit tests: a few stops 5 km apart on a line (far
beyond a walk, so only the buses connect them), written as a published feed would be."""
from __future__ import annotations

import zipfile
from pathlib import Path

LAT = 51.0
STOPS = {"A": -1.50, "B": -1.43, "C": -1.36, "D": -1.29}     # about 4.9 km apart
DAY = "20250708"                                                # a Tuesday
VALID = ("20250601", "20250831")


def stop_rows(extra=()):
    rows = [(s, f"Stop {s}", LAT, lon) for s, lon in STOPS.items()]
    return rows + list(extra)


def write_feed(where: Path, trips, *, stops=None, calendar=None, calendar_dates=(),
               frequencies=(), transfers=(), as_zip=True, drop=()) -> Path:
    """trips: (trip_id, service_id, [(stop_id, "HH:MM:SS"), ...]); calendar rows:
    (service_id, "1111100", start, end)."""
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n"
                      "T,Test Buses,https://example.invalid,Europe/London\n",
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
            f"{a},{b},{c},{d}\n" for a, b, c, d in (stops or stop_rows())),
        "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,T,1,3\n",
        "trips.txt": "route_id,service_id,trip_id\n" + "".join(
            f"R1,{svc},{tid}\n" for tid, svc, _ in trips),
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "".join(f"{tid},{t},{t},{s},{i + 1}\n" for tid, _, calls in trips
                  for i, (s, t) in enumerate(calls)),
    }
    if calendar is None:
        calendar = [(svc, "1111111", *VALID) for svc in sorted({t[1] for t in trips})]
    if calendar:
        files["calendar.txt"] = ("service_id,monday,tuesday,wednesday,thursday,friday,"
                                 "saturday,sunday,start_date,end_date\n" + "".join(
                                     f"{s},{','.join(days)},{a},{b}\n"
                                     for s, days, a, b in calendar))
    if calendar_dates:
        files["calendar_dates.txt"] = "service_id,date,exception_type\n" + "".join(
            f"{s},{d},{e}\n" for s, d, e in calendar_dates)
    if frequencies:
        files["frequencies.txt"] = "trip_id,start_time,end_time,headway_secs\n" + "".join(
            f"{a},{b},{c},{d}\n" for a, b, c, d in frequencies)
    if transfers:
        files["transfers.txt"] = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n" \
            + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in transfers)
    for name in drop:
        files.pop(name, None)
    if not as_zip:
        where.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (where / name).write_text(text, encoding="utf-8")
        return where
    with zipfile.ZipFile(where, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return where
