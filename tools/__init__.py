"""Maintenance scripts run by hand (``python -m tools.<name>``), never at run or test time."""
