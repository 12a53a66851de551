"""What the red team (:mod:`bench.redteam`) makes of the answers it gets, and how it reports them.

Kept apart from the runner, with no network and no engine, so that the parts that decide a
verdict (what counts as a coded refusal, an uncoded 5xx, a request over the deadline, a target
met) and the table written into ``docs/reliability.md`` are tested cheaply in ``make test``
(``tests/test_redteam_harness.py``), while the run itself stays out of it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

#: Peak memory of the service process the whole run must stay under (issue 14).
MEMORY_TARGET_MB = 500
#: What a transport failure is called in the outcome counts (no HTTP status).
CLOSED = "closed"  # the server closed the connection without an answer
TIMED_OUT = "client timeout"  # no answer before the client gave up
REFUSED = "refused"  # nothing listening (the service is restarting)
HELD = "held open"  # a slow client's connection the server neither answered nor closed


def error_code(body: bytes, content_type: str | None) -> str | None:
    """The ``extensions.code`` of the first error of a GraphQL answer that has one; ``None``
    when the body is not JSON, has no errors, or an error carries no code."""
    if content_type is not None and "json" not in content_type:
        return None
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    errors = payload.get("errors")
    if errors is None and isinstance(payload.get("code"), str) and payload["code"]:
        return str(payload["code"])  # an operational answer (/readyz) names its code at the top
    if not isinstance(errors, list) or not errors:
        return None
    codes = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if not isinstance(code, str) or not code:
            return None  # one uncoded error makes the answer uncoded
        codes.append(code)
    return codes[0]


def label(status: int, body: bytes, content_type: str | None) -> str:
    """How an HTTP answer is counted: ``"200 ok"`` (data, no errors), ``"<status> <CODE>"``
    for a coded refusal, ``"<status> uncoded"`` for any other answer (plain text, an error
    without a code, a body that is not JSON)."""
    code = error_code(body, content_type)
    if code is not None:
        return f"{status} {code}"
    if 200 <= status < 300 and _is_data(body):
        return f"{status} ok"
    return f"{status} uncoded"


def _is_data(body: bytes) -> bool:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(payload, dict) and "data" in payload and not payload.get("errors")


def status_of(outcome: str) -> int | None:
    """The HTTP status an outcome label starts with; ``None`` for a transport outcome."""
    head = outcome.split(" ", 1)[0]
    return int(head) if head.isdigit() else None


def is_uncoded_5xx(outcome: str) -> bool:
    """A 5xx whose body names no code: what issue 14 allows none of."""
    status = status_of(outcome)
    return status is not None and status >= 500 and outcome.endswith(" uncoded")


def allowed(outcome: str, pattern: str) -> bool:
    """Whether ``outcome`` is what ``pattern`` allows: the same label, or ``"<status> *"``
    for any coded answer (or data) of that status; an uncoded answer only when named."""
    if outcome == pattern:
        return True
    if pattern.endswith(" *") and not outcome.endswith(" uncoded"):
        return outcome.split(" ", 1)[0] == pattern[:-2]
    return False


def percentile(samples: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``samples``; 0 for none."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class Tally:
    """The answers to a set of requests: outcome counts and each request's latency."""

    outcomes: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def add(self, outcome: str, seconds: float) -> None:
        self.outcomes[outcome] += 1
        self.latencies.append(seconds)

    @property
    def requests(self) -> int:
        return sum(self.outcomes.values())

    @property
    def five_xx(self) -> int:
        return sum(n for o, n in self.outcomes.items() if (status_of(o) or 0) >= 500)

    @property
    def uncoded_five_xx(self) -> int:
        return sum(n for o, n in self.outcomes.items() if is_uncoded_5xx(o))

    def over(self, limit_s: float) -> int:
        return sum(1 for s in self.latencies if s > limit_s)


@dataclass
class Background:
    """The normal client's requests during one probe (a cookbook query every ~200 ms)."""

    requests: int
    errors: int
    error_outcomes: dict[str, int]
    p99_ms: float
    max_ms: float
    over_deadline: int
    #: the probe takes the service or the graph away on purpose (a restart, a frozen
    #: engine): errors are expected then, and must be coded and within the deadline
    down_expected: bool = False

    @classmethod
    def of(cls, tally: Tally, limit_s: float, down_expected: bool) -> Background:
        errors = {o: n for o, n in tally.outcomes.items() if not o.endswith(" ok")}
        return cls(
            requests=tally.requests,
            errors=sum(errors.values()),
            error_outcomes=dict(sorted(errors.items())),
            p99_ms=round(percentile(tally.latencies, 0.99) * 1000, 1),
            max_ms=round(max(tally.latencies, default=0.0) * 1000, 1),
            over_deadline=tally.over(limit_s),
            down_expected=down_expected,
        )

    @property
    def kept_answering(self) -> bool:
        """Normal queries answered, each within the deadline (during a probe that takes the
        service down on purpose, within the deadline is all that is asked)."""
        if self.over_deadline:
            return False
        return self.down_expected or self.errors == 0


@dataclass
class ProbeResult:
    """One probe: what it sent, what came back, and whether that is what must come back."""

    name: str
    engine: str
    requests: int
    outcomes: dict[str, int]
    five_xx: int
    uncoded_five_xx: int
    max_latency_s: float
    over_deadline: int
    peak_rss_mb: float
    peak_engine_rss_mb: float | None
    seconds: float
    expected: list[str]
    background: Background
    #: facts the probe checked besides the answers (e.g. "every applied merger is in the
    #: graph"): name → True when it held, or a text saying what was seen instead
    checks: dict[str, bool | str] = field(default_factory=dict)
    notes: str = ""

    @property
    def unexpected(self) -> dict[str, int]:
        """Outcomes outside ``expected`` (every outcome is expected when none is listed)."""
        if not self.expected:
            return {}
        return {
            o: n
            for o, n in self.outcomes.items()
            if not any(allowed(o, pattern) for pattern in self.expected)
        }

    @property
    def failed_checks(self) -> dict[str, str]:
        return {
            k: ("failed" if v is False else str(v)) for k, v in self.checks.items() if v is not True
        }

    @property
    def passed(self) -> bool:
        return (
            not self.unexpected
            and not self.uncoded_five_xx
            and not self.over_deadline
            and not self.failed_checks
            and self.background.kept_answering
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["unexpected"] = self.unexpected
        data["passed"] = self.passed
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProbeResult:
        fields = {k: v for k, v in data.items() if k not in {"unexpected", "passed"}}
        fields["background"] = Background(**fields["background"])
        return cls(**fields)


@dataclass
class Targets:
    """Issue 14's four targets over a whole run, each met or not."""

    uncoded_five_xx: int
    over_deadline: int
    peak_rss_mb: float
    background_failures: list[str]

    @classmethod
    def of(cls, probes: list[ProbeResult]) -> Targets:
        return cls(
            uncoded_five_xx=sum(p.uncoded_five_xx for p in probes),
            over_deadline=sum(p.over_deadline + p.background.over_deadline for p in probes),
            peak_rss_mb=max((p.peak_rss_mb for p in probes), default=0.0),
            background_failures=[
                f"{p.engine}: {p.name}" for p in probes if not p.background.kept_answering
            ],
        )

    def lines(self, deadline_s: float, slack_s: float) -> list[str]:
        """One Markdown bullet per target: what was measured, met or not."""

        def met(ok: bool) -> str:
            return "**met**" if ok else "**not met**"

        return [
            f"- 0 uncoded 5xx: {self.uncoded_five_xx} — {met(self.uncoded_five_xx == 0)}",
            f"- no request over the deadline ({deadline_s:g} s, answers read within "
            f"{slack_s:g} s of it): "
            f"{self.over_deadline} over — {met(self.over_deadline == 0)}",
            f"- peak service memory under {MEMORY_TARGET_MB} MB: {self.peak_rss_mb:.0f} MB — "
            f"{met(self.peak_rss_mb < MEMORY_TARGET_MB)}",
            "- normal queries keep answering under attack: "
            + (
                "every probe — **met**"
                if not self.background_failures
                else f"not in {', '.join(self.background_failures)} — **not met**"
            ),
        ]


def _outcomes_text(outcomes: dict[str, int]) -> str:
    return ", ".join(f"{o} ×{n}" for o, n in sorted(outcomes.items(), key=lambda i: -i[1]))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(probes: list[ProbeResult]) -> str:
    """The probes as a Markdown table: one row each, in the order they ran."""
    lines = [
        "| engine | probe | requests | outcomes | 5xx (uncoded) | max s | peak MB "
        "| normal queries: n / errors / p99 ms / max ms | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in probes:
        b = p.background
        normal = f"{b.requests} / {b.errors} / {b.p99_ms:g} / {b.max_ms:g}"
        if b.down_expected:
            normal += " (down on purpose)"
        verdict = "pass" if p.passed else "**FAIL**"
        problems = [f"unexpected {_outcomes_text(p.unexpected)}"] if p.unexpected else []
        problems += [f"{k}: {v}" for k, v in p.failed_checks.items()]
        if p.over_deadline:
            problems.append(f"{p.over_deadline} over the deadline")
        if not b.kept_answering:
            problems.append("normal queries failed")
        if problems:
            verdict += " (" + "; ".join(problems) + ")"
        checks = [k for k, v in p.checks.items() if v is True]
        name = p.name + (f" — {p.notes}" if p.notes else "")
        if checks:
            name += " — checked: " + "; ".join(checks)
        lines.append(
            f"| {p.engine} | {_cell(name)} | {p.requests} | {_cell(_outcomes_text(p.outcomes))} "
            f"| {p.five_xx} ({p.uncoded_five_xx}) | {p.max_latency_s:.2f} | {p.peak_rss_mb:.0f} "
            f"| {normal} | {_cell(verdict)} |"
        )
    return "\n".join(lines)


#: The generated part of docs/reliability.md sits between these two lines.
DOC_START = "<!-- redteam:start (generated by `make redteam` from its JSON; do not edit) -->"
DOC_END = "<!-- redteam:end -->"


def doc_section(run: dict[str, Any]) -> str:
    """The generated section: when and where the run was, the targets, the table."""
    probes = [ProbeResult.from_json(p) for p in run["probes"]]
    targets = Targets.of(probes)
    machine = run["machine"]
    header = [
        DOC_START,
        "",
        f"Last run: {run['date']}, {run['seconds']:.0f} s, on {machine['description']} "
        f"(load average {machine['load_average']} at the start), engines: "
        f"{', '.join(run['engines'])}; results in `{run['output']}`. Deadline "
        f"`REFORMGRAPH_REQUEST_DEADLINE_S` = {run['deadline_s']:g} s; at most "
        f"{run['max_connections']} connections at once.",
        "",
        *targets.lines(run["deadline_s"], run.get("slack_s", 0.0)),
        "",
        markdown_table(probes),
        "",
        DOC_END,
    ]
    return "\n".join(header)


def replace_section(document: str, section: str) -> str:
    """``document`` with its generated section replaced by ``section`` (appended when it has
    none yet)."""
    start = document.find(DOC_START)
    end = document.find(DOC_END)
    if start == -1 or end == -1 or end < start:
        return document.rstrip("\n") + "\n\n" + section + "\n"
    return document[:start] + section + document[end + len(DOC_END) :]
