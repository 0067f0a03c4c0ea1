"""Calls into the CHARTS engineer's pure chart functions (`credit_web.charts`), one place for all panels.

A chart that cannot be built (odd payload, a bug) must not take its panel down: the panel renders its text
and tables, the figure says the chart is unavailable, and the error is logged with its traceback.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

log = logging.getLogger("credit.web.panels")


def build(name: str, *args: Any, **kwargs: Any) -> Any | None:
    """`credit_web.charts.<name>(*args, **kwargs)` → a ChartSpec, or None when it failed (logged)."""
    try:
        charts = importlib.import_module("credit_web.charts")
        return getattr(charts, name)(*args, **kwargs)
    except Exception:
        log.exception("chart %s could not be built", name)
        return None
