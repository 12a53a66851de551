"""Where the service's Python names a Cypher statement, and which parameters it passes there.

Read from the source (``ast``), not by running it, so that a call site no test reaches is
checked too. A statement is named by a string literal (or an f-string, or either branch of a
conditional) and reaches the store in one of the ways the code uses:

- ``store.read(name, params)`` / ``store.write(name, params)`` (no ``params``: none passed);
- a step ``(name, params)``, a tuple of two, as ``write_atomically`` takes them;
- ``registry.get(name)``, whose statement is then passed on the same way, or with its
  parameters as the next argument (``self._run(graph, statement, params, ...)``);
- an import plan's ``plan.node(name, …)`` / ``plan.link(name, …)`` and its ``nodes``/``links``
  keyed by name: :meth:`graph_loaders.importer.ImportPlan.steps` sends those rows as
  ``{"rows": …}``;
- through a variable or a module-level table (a dict's value, an element of the tuples a loop
  unpacks) that holds the name until one of the above.

A mention the walk cannot follow to one of these is reported as unresolved, so that new code
either follows a known shape or extends this module on purpose.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The packages whose code runs statements (tests excluded: they are the checkers).
PACKAGES = ("graph_store", "graph_loaders", "schema", "server", "bench", "tools")

#: Methods (and functions) that take a statement name (or a Statement) followed by its
#: parameters.
RUNNERS = frozenset({"read", "write", "_run", "_read", "_write", "_internal", "_rows"})
#: Functions that return a statement's staging twin (``Neo4jStore._twin``): a twin runs with its
#: original's parameters and ``$generation``, which the contract test checks on the texts.
TWIN_MAKERS = frozenset({"_twin"})
#: Exceptions whose first argument names a statement in their message: a mention, not a use.
LABELS = frozenset({"StatementFailedError"})
#: Functions that fill identifiers into a DDL template (``graph_store.neo4j_store.ddl``): the
#: statement takes no parameters.
TEMPLATES = frozenset({"ddl"})
#: The import plan's methods and tables keyed by statement name: rows sent as ``$rows``.
PLAN_CONDUITS = frozenset({"node", "link", "nodes", "links"})
ROWS = frozenset({"rows"})
#: An f-string names statements only if it starts with this much literal text (``repoint_``).
MIN_PREFIX = 4

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"//[^\n]*")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def parameters(text: str) -> frozenset[str]:
    """The ``$names`` a Cypher statement reads (comments and string literals ignored)."""
    return frozenset(_PARAMETER.findall(_STRING.sub("''", _COMMENT.sub("", text))))


@dataclass(frozen=True)
class CallSite:
    """One place that runs ``statements`` (several: a conditional) with parameter ``keys``."""

    statements: frozenset[str]
    keys: frozenset[str]
    where: str


@dataclass
class Findings:
    sites: list[CallSite] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)
    #: statements returned by a :data:`TWIN_MAKERS` function (run as another's twin)
    twins: set[str] = field(default_factory=set)


class _Module:
    """One parsed source file, with each node's parent and enclosing function."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    def where(self, node: ast.AST) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{getattr(node, 'lineno', 0)}"

    def scope(self, node: ast.AST) -> ast.AST:
        """The function (or the module) that ``node`` is in."""
        current = node
        while current in self.parent:
            current = self.parent[current]
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return current
        return self.tree

    def uses(self, name: str, scope: ast.AST) -> Iterator[ast.Name]:
        """Where the variable ``name`` is read in ``scope``."""
        for node in ast.walk(scope):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                yield node

    def dict_bound_to(self, name: str, scope: ast.AST) -> ast.Dict | None:
        """The dict literal ``name`` is assigned in ``scope``, if it is assigned one only."""
        bound = [
            node.value
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ]
        if len(bound) == 1 and isinstance(bound[0], ast.Dict):
            return bound[0]
        return None


class _Walker:
    def __init__(self, module: _Module, names: frozenset[str], findings: Findings) -> None:
        self.module = module
        self.names = names
        self.findings = findings

    def named(self, node: ast.AST) -> frozenset[str]:
        """The statements a literal names: a string, or an f-string as a pattern."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return frozenset({node.value}) & self.names
        if isinstance(node, ast.JoinedStr):
            literal = [
                part.value if isinstance(part, ast.Constant) else None for part in node.values
            ]
            if not (literal and isinstance(literal[0], str) and len(literal[0]) >= MIN_PREFIX):
                return frozenset()  # f"{side}_count", f"h{i}": not a statement's name
            pattern = "".join(
                re.escape(part) if isinstance(part, str) else ".+" for part in literal
            )
            return frozenset(n for n in self.names if re.fullmatch(pattern, n))
        return frozenset()

    def keys(self, params: ast.AST | None, scope: ast.AST) -> frozenset[str] | None:
        """The keys of the parameters at a call site, if the source says them."""
        if params is None:
            return frozenset()
        if isinstance(params, ast.Name):
            params = self.module.dict_bound_to(params.id, scope)
        if not isinstance(params, ast.Dict):
            return None
        keys: set[str] = set()
        for key, value in zip(params.keys, params.values, strict=True):
            if key is None:  # {**common, ...}: the keys of the dict spread in
                spread = self.keys(value, scope)
                if spread is None:
                    return None
                keys |= spread
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
            else:
                return None
        return frozenset(keys)

    def site(self, statements: frozenset[str], params: ast.AST | None, at: ast.AST) -> None:
        keys = self.keys(params, self.module.scope(at))
        if keys is None:
            self.findings.unresolved.append(
                f"{self.module.where(at)}: parameters of {sorted(statements)} are not a literal"
            )
        else:
            self.findings.sites.append(CallSite(statements, keys, self.module.where(at)))

    def follow(self, statements: frozenset[str], node: ast.AST, seen: frozenset[int]) -> None:
        """Follow the expression ``node``, which holds one of ``statements``, to its sites."""
        if id(node) in seen:
            return
        seen = seen | {id(node)}
        parent = self.module.parent.get(node)
        module = self.module
        loop = module.parent.get(parent) if parent is not None else None
        if isinstance(parent, ast.IfExp) and node is not parent.test:
            self.follow(statements, parent, seen)
        elif (
            isinstance(parent, ast.Tuple)
            and isinstance(loop, ast.For)
            and loop.iter is parent
            and isinstance(loop.target, ast.Name)
        ):  # for name in ("a", "b"): each name in turn
            self.follow_name(statements, loop.target.id, module.scope(loop), seen)
        elif isinstance(parent, ast.Return) and getattr(module.scope(parent), "name", None) in (
            TWIN_MAKERS
        ):
            self.findings.twins |= statements
        elif isinstance(parent, ast.Call) and node in parent.args:
            self.from_call(statements, node, parent, seen)
        elif isinstance(parent, ast.Tuple) and len(parent.elts) == 2 and parent.elts[0] is node:
            self.site(statements, parent.elts[1], parent)
        elif isinstance(parent, ast.Assign) and len(parent.targets) == 1:
            target = parent.targets[0]
            if isinstance(target, ast.Name):
                self.follow_name(statements, target.id, module.scope(parent), seen)
            else:
                self.unresolved(statements, node)
        elif isinstance(parent, ast.Dict) and node in parent.values:
            self.from_table(statements, parent, seen, position=None)
        elif isinstance(parent, ast.Tuple) and node in parent.elts:
            self.from_table(statements, parent, seen, position=parent.elts.index(node))
        elif isinstance(parent, ast.Subscript) and node is parent.slice:
            self.from_plan(statements, parent.value, node)
        elif isinstance(parent, ast.Attribute) and parent.attr == "text":
            # a Statement's text run as it is: DDL, which takes no parameters
            self.findings.sites.append(CallSite(statements, frozenset(), module.where(parent)))
        elif isinstance(parent, ast.Compare):
            return  # a test of which statement was chosen, not a use
        else:
            self.unresolved(statements, node)

    def from_call(
        self, statements: frozenset[str], node: ast.AST, call: ast.Call, seen: frozenset[int]
    ) -> None:
        func = call.func
        method = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else None
        )
        index = call.args.index(node)  # type: ignore[arg-type]
        if method in LABELS:
            return  # named in an error's message
        if (
            isinstance(func, ast.Attribute)
            and method == "get"
            and index == 0
            and _is_registry(func)
        ):
            self.follow(statements, call, seen)  # the Statement stands for its name
        elif method in RUNNERS:
            following = call.args[index + 1] if index + 1 < len(call.args) else None
            self.site(statements, following, call)
        elif method in TEMPLATES:
            self.findings.sites.append(CallSite(statements, frozenset(), self.module.where(call)))
        elif method in PLAN_CONDUITS or method == "setdefault":
            self.from_plan(statements, func, node)
        else:
            self.unresolved(statements, node)

    def from_plan(self, statements: frozenset[str], holder: ast.AST, at: ast.AST) -> None:
        """``plan.node(name, …)``, ``plan.links[name]``, ``self.links.setdefault(name, …)``."""
        names = set()
        while isinstance(holder, ast.Attribute):
            names.add(holder.attr)
            holder = holder.value
        if names & PLAN_CONDUITS:
            self.findings.sites.append(CallSite(statements, ROWS, self.module.where(at)))
        else:
            self.unresolved(statements, at)

    def follow_name(
        self, statements: frozenset[str], name: str, scope: ast.AST, seen: frozenset[int]
    ) -> None:
        uses = list(self.module.uses(name, scope))
        if not uses:
            self.unresolved(statements, scope)
        for use in uses:
            self.follow(statements, use, seen)

    def from_table(
        self,
        statements: frozenset[str],
        container: ast.AST,
        seen: frozenset[int],
        position: int | None,
    ) -> None:
        """A name held in a module-level table: followed through ``table.get(…)`` /
        ``table[…]`` (a dict's value) or a ``for`` loop's unpacking (a tuple's element)."""
        table = container
        while table in self.module.parent and not isinstance(
            self.module.parent[table], ast.Assign | ast.AnnAssign
        ):
            table = self.module.parent[table]
        assign = self.module.parent.get(table)
        target = (
            assign.targets[0]
            if isinstance(assign, ast.Assign)
            else assign.target
            if isinstance(assign, ast.AnnAssign)
            else None
        )
        if not isinstance(target, ast.Name):
            self.unresolved(statements, container)
            return
        followed = False
        for use in self.module.uses(target.id, self.module.tree):
            parent = self.module.parent.get(use)
            if position is None:
                # TABLE.get(key) or TABLE[key], assigned to a variable
                lookup = (
                    self.module.parent.get(parent) if isinstance(parent, ast.Attribute) else parent
                )
                if isinstance(lookup, ast.Call | ast.Subscript):
                    self.follow(statements, lookup, seen)
                    followed = True
            elif isinstance(parent, ast.For | ast.comprehension) and use is parent.iter:
                unpacked = parent.target
                held = unpacked.elts[position] if isinstance(unpacked, ast.Tuple) else None
                if isinstance(held, ast.Name):
                    self.follow_name(statements, held.id, self.module.scope(parent), seen)
                    followed = True
        if not followed:
            self.unresolved(statements, container)

    def unresolved(self, statements: frozenset[str], node: ast.AST) -> None:
        self.findings.unresolved.append(
            f"{self.module.where(node)}: cannot tell how {sorted(statements)} is run"
        )


def _is_registry(func: ast.Attribute) -> bool:
    holder = func.value
    return (isinstance(holder, ast.Attribute) and holder.attr == "registry") or (
        isinstance(holder, ast.Name) and holder.id == "registry"
    )


def python_files(packages: Iterable[str] = PACKAGES) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def find(names: Iterable[str], files: Iterable[Path]) -> Findings:
    """Every mention of a statement in ``names`` in ``files``, followed to its call sites."""
    known = frozenset(names)
    findings = Findings()
    for path in files:
        module = _Module(path)
        walker = _Walker(module, known, findings)
        for node in ast.walk(module.tree):
            parent = module.parent.get(node)
            if isinstance(parent, ast.JoinedStr | ast.keyword):
                continue  # an f-string's literal part (the f-string is the mention), or an
                # argument's value that only shares a statement's name (limit="…")
            if isinstance(parent, ast.Dict) and node in parent.keys:
                continue  # a key of a dict that shares a statement's name ("graph_counts")
            statements = walker.named(node)
            if statements:
                findings.mentioned |= statements
                walker.follow(statements, node, frozenset())
    return findings
