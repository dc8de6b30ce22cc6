"""Mutation testing: would the tests notice if a module's logic were broken?

    .venv/bin/python -m bench.mutation blogapp/digest/ledger.py tests/web/test_digest_delivery.py

Each mutant is one small change to the module's syntax tree: a comparison flipped, ``and``
swapped for ``or``, one condition of an ``and``/``or`` left out, an ``if`` negated, ``not``
dropped, an arithmetic operator swapped, a constant changed (a number plus one, a string
emptied, a boolean negated), a ``return`` made to return None, or a call statement
removed. Each is written into a copy of the package (the checkout is never touched) and
the given tests run against it on SQLite (``-x -q``, one process, a timeout per mutant).
A first, clean run records which tests execute which lines of the module, and each mutant
runs only the tests that execute its statement (a mutant in code no test executes
survives without a run; one in code run at import runs them all). A mutant is killed when
the tests fail or time out, and survives when they pass; survivors are printed with their
line, so that each gets a test or a reason why it cannot be told apart from the original
(an equivalent mutant).

Test files given with ``--new`` run last, and the score without them is printed as well:
one run measures the tests before and after they were added. ``--postgresql`` also runs the
tests' PostgreSQL half (TEST_DATABASE_URL) for mutants only a shared database can show;
use it with ``--only`` on the SQLite run's survivors. A line whose result the process
keeps (a function behind ``functools.cache``) runs in the first test only, so its mutants
are judged by too few tests: re-run such survivors with ``--all-tests``.
"""

import argparse
import ast
import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "blogapp"
#: Services the suite would otherwise use: mutants run on SQLite alone.
SERVICE_VARIABLES = ("TEST_DATABASE_URL", "TEST_REDIS_URL", "BLOGAPP_REQUIRE_SERVICES")
#: Set for the clean run: the module whose lines to record, and where to write them.
KEPT_FOR_POSTGRESQL = ("TEST_DATABASE_URL",)
TRACE_TARGET = "MUTATION_TRACE_TARGET"
TRACE_OUTPUT = "MUTATION_TRACE_OUTPUT"

COMPARISON_FLIPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
ARITHMETIC_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
}


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    change: str
    #: The lines of the innermost statement holding the change: the tests that run any of
    #: them are the ones that can notice it.
    statement_lines: range = range(0)
    #: Only reached when a function runs (not when the module is imported).
    in_function: bool = False


def shortened(node: ast.AST, width: int = 90) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def untouchable(tree: ast.Module) -> set[int]:
    """Nodes no mutant changes: docstrings, annotations and the literal parts of f-strings."""
    skipped: set[int] = set()

    def skip(node: ast.AST | None) -> None:
        if node is not None:
            skipped.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for statement in body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    skip(statement)
        if isinstance(node, ast.arg | ast.AnnAssign):
            skip(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            skip(node.returns)
        if isinstance(node, ast.JoinedStr):
            skip(node)
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    skipped.difference_update(id(inner) for inner in ast.walk(value.value))
    return skipped


class Mutations(ast.NodeTransformer):
    """Finds every mutant of a module (``target`` None) or applies the one numbered ``target``."""

    def __init__(self, skipped: set[int], target: int | None = None) -> None:
        self.skipped = skipped
        self.target = target
        self.found: list[Mutant] = []
        self.statements: list[ast.stmt] = []

    def offer(self, node: ast.AST, replacement: ast.AST, change: str) -> ast.AST | None:
        index = len(self.found)
        statement = self.statements[-1]
        lines = range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
        # A function's own header (decorators, defaults) runs at import; its body does not.
        in_function = any(isinstance(outer, FUNCTIONS) for outer in self.statements[:-1])
        self.found.append(Mutant(index, node.lineno, change, lines, in_function))
        if index != self.target:
            return None
        return ast.copy_location(replacement, node)

    def choose(self, node: ast.AST, options: list[tuple[ast.AST, str]]) -> ast.AST:
        chosen = node
        for replacement, change in options:
            applied = self.offer(node, replacement, change)
            if applied is not None:
                chosen = applied
        return chosen

    def visit(self, node: ast.AST) -> ast.AST:
        if id(node) in self.skipped:
            return node
        is_statement = isinstance(node, ast.stmt)
        if is_statement:
            self.statements.append(node)
        try:
            return super().visit(node)
        finally:
            if is_statement:
                self.statements.pop()

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        options = []
        for position, operator in enumerate(node.ops):
            mutated = copy.deepcopy(node)
            mutated.ops[position] = COMPARISON_FLIPS[type(operator)]()
            options.append((mutated, f"{shortened(node)}  ->  {shortened(mutated)}"))
        return self.choose(node, options)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swapped = ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
        options = [(swapped, f"{shortened(node)}  ->  {shortened(swapped)}")]
        for position in range(len(node.values)):
            rest = [value for index, value in enumerate(node.values) if index != position]
            shorter = rest[0] if len(rest) == 1 else ast.BoolOp(node.op, rest)
            options.append((shorter, f"{shortened(node)}  ->  {shortened(shorter)}"))
        return self.choose(node, options)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.op, ast.Not):
            return node
        return self.choose(node, [(node.operand, f"{shortened(node)}  ->  not dropped")])

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = ARITHMETIC_SWAPS.get(type(node.op))
        if swap is None:
            return node
        mutated = ast.BinOp(node.left, swap(), node.right)
        return self.choose(node, [(mutated, f"{shortened(node)}  ->  {shortened(mutated)}")])

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            changed: object = not value
        elif isinstance(value, int | float):
            changed = value + 1
        elif isinstance(value, str):
            # Emptied rather than wrapped: a test that finds a message in a page notices.
            changed = "" if value else "mutated"
        else:
            return node
        return self.choose(node, [(ast.Constant(changed), f"{value!r}  ->  {changed!r}")])

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        negated = copy.copy(node)
        negated.test = ast.UnaryOp(ast.Not(), node.test)
        return self.choose(node, [(negated, f"if {shortened(node.test)}  ->  if not (…)")])

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return node
        return self.choose(
            node, [(ast.Return(ast.Constant(None)), f"{shortened(node)}  ->  return None")]
        )

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.value, ast.Call):
            return node
        return self.choose(node, [(ast.Pass(), f"removed: {shortened(node)}")])


def mutants_of(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    finder = Mutations(untouchable(tree))
    finder.visit(tree)
    return finder.found


def mutated_source(source: str, index: int) -> str:
    tree = ast.parse(source)
    Mutations(untouchable(tree), target=index).visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


@dataclass
class Workspace:
    """A copy of the package the tests import instead of the checkout's."""

    folder: Path
    module: Path
    postgresql: bool = False

    @classmethod
    def make(cls, module: Path, postgresql: bool = False) -> "Workspace":
        folder = Path(tempfile.mkdtemp(prefix="mutation-"))
        shutil.copytree(
            ROOT / PACKAGE, folder / PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
        )
        return cls(folder, folder / module.resolve().relative_to(ROOT), postgresql)

    def write(self, source: str) -> None:
        self.module.write_text(source)

    def environment(self) -> dict[str, str]:
        kept = KEPT_FOR_POSTGRESQL if self.postgresql else ()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in SERVICE_VARIABLES or key in kept
        }
        env["PYTHONPATH"] = str(self.folder)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class Outcome:
    #: 'passed', 'failed', 'timeout' or 'uncovered' (no test runs the mutated statement).
    verdict: str
    #: The file of the first test that failed, when one did.
    failed_in: str | None = None


def first_failure(output: str) -> str | None:
    """The file of the first FAILED or ERROR line in pytest's short summary."""
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split()[1].split("::")[0]
    return None


def run_tests(
    workspace: Workspace, tests: list[str], timeout: float, trace_to: Path | None = None
) -> Outcome:
    """The tests against the workspace, on SQLite only, stopping at the first failure."""
    env = workspace.environment()
    plugin: list[str] = []
    if trace_to is not None:
        env[TRACE_TARGET] = str(workspace.module)
        env[TRACE_OUTPUT] = str(trace_to)
        env["PYTHONPATH"] += os.pathsep + str(ROOT)
        plugin = ["-p", "bench.mutation"]
    command = [
        str(ROOT / ".venv" / "bin" / "pytest"),
        *tests,
        *plugin,
        *("-x", "-q", "-rfE", "-p", "no:randomly", "-p", "no:cacheprovider"),
        *(() if workspace.postgresql else ("-k", "not postgresql")),
    ]
    output = workspace.folder / "pytest-output.txt"
    with output.open("w") as written:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=written, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return Outcome("timeout")
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    if code == 0:
        return Outcome("passed")
    return Outcome("failed", first_failure(output.read_text(errors="replace")))


@dataclass
class LineRecorder:
    """The lines of one file that run while a test runs, in any thread."""

    filename: str
    lines: set[int] = field(default_factory=set)

    def on_call(self, frame: FrameType, event: str, arg: object):
        return self.on_line if frame.f_code.co_filename == self.filename else None

    def on_line(self, frame: FrameType, event: str, arg: object):
        if event == "line":
            self.lines.add(frame.f_lineno)
        return self.on_line


#: Filled by the clean run (this module loaded as a pytest plugin): lines run, by test.
LINES_BY_TEST: dict[str, list[int]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    target = os.environ.get(TRACE_TARGET)
    if not target:
        yield
        return
    recorder = LineRecorder(target)
    threading.settrace(recorder.on_call)
    sys.settrace(recorder.on_call)
    try:
        yield
    finally:
        sys.settrace(None)
        threading.settrace(None)
        LINES_BY_TEST[item.nodeid] = sorted(recorder.lines)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    output = os.environ.get(TRACE_OUTPUT)
    if output:
        Path(output).write_text(json.dumps(LINES_BY_TEST))


def tests_for(mutant: Mutant, lines_by_test: dict[str, list[int]]) -> list[str] | None:
    """The tests that run the mutant's statement; all of them (None) for import-time code."""
    if not mutant.in_function:
        return None
    return [
        test
        for test, lines in lines_by_test.items()
        if any(line in mutant.statement_lines for line in lines)
    ]


def check_workspace_is_imported(workspace: Workspace) -> None:
    python = str(ROOT / ".venv" / "bin" / "python")
    probe = [python, "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)"]
    imported = subprocess.run(
        probe, cwd=ROOT / "tests", env=workspace.environment(), capture_output=True, text=True
    )
    if not imported.stdout.startswith(str(workspace.folder)):
        sys.exit(f"the tests would import {imported.stdout.strip()!r}, not the mutated copy")


def chosen(mutants: list[Mutant], only: str | None) -> list[Mutant]:
    if not only:
        return mutants
    wanted = {int(number) for number in only.split(",")}
    return [mutant for mutant in mutants if mutant.index in wanted]


VERDICTS = {
    "failed": "killed",
    "timeout": "killed (timeout)",
    "passed": "SURVIVED",
    "uncovered": "SURVIVED (no test runs it)",
}


@dataclass
class Session:
    workspace: Workspace
    source: str
    tests: list[str]
    lines_by_test: dict[str, list[int]]
    timeout: float
    #: Run each mutant against only the tests that execute it (off: against all of them).
    select: bool = True

    def outcome(self, mutant: Mutant) -> Outcome:
        if not self.select:
            return self.run(mutant, self.tests)
        selected = tests_for(mutant, self.lines_by_test)
        if selected == []:
            return Outcome("uncovered")
        return self.run(mutant, selected or self.tests)

    def run(self, mutant: Mutant, tests: list[str]) -> Outcome:
        self.workspace.write(mutated_source(self.source, mutant.index))
        return run_tests(self.workspace, tests, self.timeout)

    def outcomes(self, mutants: list[Mutant]) -> Iterator[tuple[Mutant, Outcome]]:
        for mutant in mutants:
            yield mutant, self.outcome(mutant)


def clean_session(
    workspace: Workspace, source: str, tests: list[str], timeout: float | None
) -> Session:
    """Run the tests once unmutated, recording which test runs which line."""
    trace = workspace.folder / "lines-by-test.json"
    started = time.monotonic()
    if run_tests(workspace, tests, timeout=3600, trace_to=trace).verdict != "passed":
        sys.exit("the tests fail without any mutation: fix them first")
    seconds = time.monotonic() - started
    lines_by_test = json.loads(trace.read_text())
    print(f"clean run: {len(lines_by_test)} tests, {seconds:.0f} s (traced)", flush=True)
    return Session(workspace, source, tests, lines_by_test, timeout or 2 * seconds + 30)


def is_killed(outcome: Outcome, without: set[str]) -> bool:
    """Whether the mutant was killed by a test outside the ``without`` files.

    The ``without`` files run last, so a mutant that some other test kills fails there first.
    """
    if outcome.verdict == "timeout":
        return True
    return outcome.verdict == "failed" and outcome.failed_in not in without


def score_line(label: str, outcomes: list[Outcome], without: set[str]) -> str:
    killed = sum(is_killed(outcome, without) for outcome in outcomes)
    total = len(outcomes)
    return f"{label}: {killed} of {total} killed ({100 * killed / total if total else 100:.0f} %)"


def report(
    module: Path, results: list[tuple[Mutant, Outcome]], new_tests: set[str], lines: list[str]
) -> None:
    outcomes = [outcome for _, outcome in results]
    timeouts = sum(outcome.verdict == "timeout" for outcome in outcomes)
    print(f"\n{score_line(str(module), outcomes, set())} ({timeouts} by timeout)")
    if new_tests:
        print(score_line("  without " + ", ".join(sorted(new_tests)), outcomes, new_tests))
        print("\nKilled only by the new tests:")
        for mutant, outcome in results:
            if outcome.verdict == "failed" and outcome.failed_in in new_tests:
                print(
                    f"  #{mutant.index} line {mutant.line}: {mutant.change}  [{outcome.failed_in}]"
                )
    survivors = [mutant for mutant, outcome in results if not is_killed(outcome, set())]
    if survivors:
        print("\nSurvivors:")
    for mutant in survivors:
        print(f"  #{mutant.index} line {mutant.line}: {mutant.change}")
        print(f"      {lines[mutant.line - 1].strip()}")


def stop_on_sigterm(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", type=Path, help="the module to mutate: blogapp/auth/tokens.py")
    parser.add_argument("tests", nargs="+", help="the test files that cover it")
    parser.add_argument(
        "--new", action="append", default=[],
        help="a test file just added (run last; the score without it is printed too)",
    )  # fmt: skip
    parser.add_argument(
        "--postgresql", action="store_true", help="run on PostgreSQL too (TEST_DATABASE_URL)"
    )
    parser.add_argument(
        "--all-tests",
        action="store_true",
        help="run every mutant against all the tests, not only those that execute its line "
        "(for code whose result a process keeps, such as a function behind functools.cache)",
    )
    parser.add_argument("--only", help="comma-separated mutant numbers to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and run nothing")
    parser.add_argument(
        "--timeout", type=float, help="seconds per mutant (default: from the clean run)"
    )
    arguments = parser.parse_args()

    source = arguments.module.read_text()
    mutants = chosen(mutants_of(source), arguments.only)
    if arguments.list:
        for mutant in mutants:
            print(f"#{mutant.index} line {mutant.line}: {mutant.change}")
        return

    tests = [test for test in arguments.tests if test not in arguments.new] + arguments.new
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    workspace = Workspace.make(arguments.module, arguments.postgresql)
    results: list[tuple[Mutant, Outcome]] = []
    try:
        check_workspace_is_imported(workspace)
        print(f"{arguments.module}: {len(mutants)} mutants", flush=True)
        session = clean_session(workspace, source, tests, arguments.timeout)
        session.select = not arguments.all_tests
        for mutant, outcome in session.outcomes(mutants):
            results.append((mutant, outcome))
            by = f" by {outcome.failed_in}" if outcome.failed_in else ""
            print(
                f"#{mutant.index} line {mutant.line}: {VERDICTS[outcome.verdict]}{by}  "
                f"{mutant.change}",
                flush=True,
            )
    finally:
        workspace.remove()
    report(arguments.module, results, set(arguments.new), source.splitlines())


if __name__ == "__main__":
    main()
