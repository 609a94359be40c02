"""Exports that take seconds run off the GUI thread on a snapshot of the plan, so the
planner can keep working (and editing) while the file is written."""
from __future__ import annotations

from geo.progress import Cancelled
from gui.worker import Task


def snapshot(plan, name: str):
    """An independent copy of ``plan`` (its data, edits, groups, settings, assumptions)."""
    from models import scenario as sc
    from models.plan import Plan
    scenario = sc.scenario_from_plan(plan, name)
    copy = Plan(plan.base.copy())
    sc.load_into_plan(copy, scenario, plan.base.copy())
    return copy


def export_report_task(plan, name: str, path, parent=None) -> Task:
    """A Task writing the board report for ``plan`` to ``path``; done(pages)."""
    from rendering.board_sections import data_dates, report_label
    from rendering.report import board_report, write_pdf
    frozen = snapshot(plan, name)
    label, sample = report_label(frozen.dataset), frozen.dataset.is_sample
    dates = data_dates(frozen.dataset)

    def work(progress, cancel):
        progress(0.02, "Working out the figures")
        sections = board_report(frozen, scenario_name=name)

        def drawing(fraction, message):
            if cancel():
                raise Cancelled()
            progress(0.1 + 0.9 * fraction, message)
        return write_pdf(sections, path, label, sample, dates=dates, progress=drawing)
    return Task(work, parent)
