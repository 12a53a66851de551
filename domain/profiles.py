"""The synthetic profiles: shared by the generator (graph_loaders/synthetic.py), which says
what each one holds, and the settings (``REFORMGRAPH_SYNTHETIC_PROFILE``), which must accept
exactly these names without importing the generator."""

from __future__ import annotations

from typing import Literal

Profile = Literal["inner-mongolia", "national"]
PROFILES: tuple[Profile, ...] = ("inner-mongolia", "national")
