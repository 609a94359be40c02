"""What can stop a grouping: a bad request, bounds that cannot be met, or the user."""
from __future__ import annotations

from geo.errors import UserError
from geo.progress import Cancelled  # noqa: F401 (the one Cancelled; re-exported)


class GroupingError(UserError):
    """A grouping request that cannot be carried out as asked (one line for the user)."""


class GroupingInfeasible(GroupingError):
    """The bounds cannot all be met; ``problems`` says where and by how much."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def patients(v: float) -> str:
    """A patient count as the planner reads it: 30,000."""
    return f"{int(round(v)):,}"
