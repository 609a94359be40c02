"""Developer contributions (S106): what healthcare contribution a housing development should
be asked for, and the evidence that it meets CIL Regulation 122.

catchment.py   the practices that will take the new patients, their figures and spare
               capacity; the planner's ticks (kept in ``Plan.contribution``)
request.py     the request step by step (Application, assess → Contribution)
precedents.py  published Kent requests the figures are set beside

API
---
site_application(plan, site_id) / new_application(plan, lat, lon, dwellings, mix=, name=,
    start_year=) -> Application      (ContributionError: one line naming the input)
parse_mix("1:20,2:40,3:30,4:10") -> ((1, .2), …)
assess(plan, app, graph=None, included=None) -> Contribution
    .steps (step, key, quantity, value, unit, how, source, excel), .catchment, .request_gbp,
    .justified (False = "no contribution justified"), .project, .reg122, .caveats
"""
from models.contribution.catchment import (  # noqa: F401
    catchment, catchment_choice, practice_spare, with_choice,
)
from models.contribution.precedents import PRECEDENTS, Precedent  # noqa: F401
from models.contribution.request import (  # noqa: F401
    COST_BASIS, NO_CONTRIBUTION, Application, Contribution, ContributionError, assess,
    new_application, parse_mix, precedent_lines, site_application,
)
