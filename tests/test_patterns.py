"""The package's regular expressions on long runs of one piece of text: none may backtrack without
end. A pattern such as `(?:\\d[\\d.]*)+` tries every way of cutting a run of digits before it fails,
twice the work for each digit more: 26 digits before a letter took seconds, 40 would take days, and
a real report's account number or a table's run of dashes is that long. The battery runs in a
child process, so that such a pattern fails the test (named) instead of hanging it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pipelines.extract.forms.money import FIGURE_OR_DASHES, FIGURES_AND_DASHES

TIMEOUT = 300  # seconds; the battery takes a few, an exponential pattern at RUN_LENGTH never ends
BATTERY = textwrap.dedent(
    """
    import importlib, pkgutil, re, sys
    import pipelines

    RUN_LENGTH = 40
    SKIP = ("pipelines.defs", "pipelines.definitions", "pipelines.__main__")
    patterns = {}
    for module in pkgutil.walk_packages(pipelines.__path__, "pipelines."):
        if module.name.startswith(SKIP):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            # the pattern itself, or one held in a module's list, tuple or dict (a pair's second)
            held = value.values() if isinstance(value, dict) else value
            inner = list(held) if isinstance(held, (list, tuple)) else []
            found = [value] + inner + [x for item in inner if isinstance(item, tuple) for x in item]
            for index, item in enumerate(found):
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str):
                    patterns[f"{module.name}.{name}" + (f"[{index}]" if index else "")] = item
    pieces = "1.,%万元年月 |-—一、:()人指标≥x\\n"
    atoms = list(pieces) + [a + b for a in "1.,% |-一" for b in "1.,% |-一" if a != b]
    for name, pattern in sorted(patterns.items()):
        print(name, flush=True)
        for atom in atoms:
            for end in ("x", "。", ""):
                text = atom * RUN_LENGTH + end
                pattern.fullmatch(text)
                pattern.search(text)
    print("checked", len(patterns), flush=True)
    """
)


def test_no_pattern_backtracks_without_end_on_long_runs():
    try:
        done = subprocess.run(
            [sys.executable, "-c", BATTERY], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as stopped:
        output = stopped.stdout.decode() if isinstance(stopped.stdout, bytes) else stopped.stdout or ""
        last = output.strip().splitlines()[-1:] or ["(none)"]
        raise AssertionError(f"still matching after {TIMEOUT} s: {last[0]}") from None
    assert done.returncode == 0, done.stderr[-2000:]
    checked = done.stdout.strip().splitlines()[-1]
    assert checked.startswith("checked ") and int(checked.split()[1]) > 100


def test_figures_and_dashes_run_together_are_still_cut_into_cells():
    for text, cells in [
        ("100.00%//", ["100.00%", "//"]),
        ("—100%—", ["—", "100%", "—"]),
        ("12.5--", ["12.5", "--"]),
    ]:
        assert FIGURES_AND_DASHES.fullmatch(text)
        assert FIGURE_OR_DASHES.findall(text) == cells
    for text in ("12x", "--元", "%12", ".5"):
        assert not FIGURES_AND_DASHES.fullmatch(text)
