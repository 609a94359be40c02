"""Published Kent developer-contribution requests for GP premises, cited beside every pack's
£ per dwelling and per new resident (docs/design.md §6 gives the sources in full).

Each precedent carries its published figures and the assumption values that reproduce its
total with this model (tests/test_s106.py checks both reproduce to within 1%).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Precedent:
    body: str
    scheme: str
    year: int
    dwellings: int
    patients: float          # the new patients / residents the request counted
    request_gbp: float
    source: str
    settings: tuple[tuple[str, float], ...]   # assumption values that reproduce it

    @property
    def per_dwelling(self) -> float:
        return self.request_gbp / self.dwellings

    @property
    def per_resident(self) -> float:
        return self.request_gbp / self.patients


PRECEDENTS = (
    Precedent("Canterbury & Coastal CCG", "350 homes at Hillborough, Herne Bay (for Herne Bay "
              "PCN: Park Surgery, Heron Medical Practice)", 2020, 350, 819, 266_175,
              "KentOnline, 'GPs demand cash from housing firm' (2020), quoting the CCG's "
              "letter to Canterbury City Council: 819 new patients, £266,175",
              (("persons_per_dwelling", 2.34), ("registration_share", 1.0),
               ("floorspace_m2_per_1000", 100.0), ("cost_per_m2", 3250.0))),
    Precedent("South Kent Coast CCG", "Princes Parade, Hythe (Y17/1042/SH, up to 150 "
              "dwellings)", 2018, 150, 420, 151_200,
              "Shepway Vox, 'Applications South Kent Coast CCG has made for s106 money' "
              "(28 Feb 2018), FoI response: occupancy × units × £360, £151,200 for Princes "
              "Parade; 150 dwellings: Folkestone & Hythe DC, Princes Parade timeline",
              (("persons_per_dwelling", 2.8), ("registration_share", 1.0),
               ("floorspace_m2_per_1000", 100.0), ("cost_per_m2", 3600.0))),
)
