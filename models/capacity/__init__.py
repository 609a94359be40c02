"""Space and capacity: the estate register and the room-session model.

register.py   the estate register the plan holds (a row per site; no row = unknown)
sessions.py   room-session capacity: appointments a year each site can host, and the
              face-to-face appointments its patients need
by_year.py    needed against available by year and area; the year each gap opens
projection.py the ONS population trend and ageing, with housing growth incremental to it
age.py        optional age weighting of appointment rates
spare.py      spare capacity of named sites, for the contribution pack and hubs
"""
