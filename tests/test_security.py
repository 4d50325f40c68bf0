"""Content from report files is data, never code: no eval, exec or shell on the data path (one module
may start one program, LibreOffice, with a fixed argument list), figures
and text reach DuckDB as bound data (never as SQL), macros are not run, and the published
warehouse is a read-only file."""

from __future__ import annotations

import ast
import io
import stat
import zipfile
from pathlib import Path

import docx
import duckdb
import pytest

from pipelines.model import ReadError
from pipelines.readers import read_bytes
from tests.builders import PROJECT_ROOT
from tests.test_pipeline import query, run_pipeline
from tests.test_readers import docx_bytes

# Every module of the product package that runs on the data path (all but the tools' CLI mains).
DATA_PATH = sorted(
    path for path in (PROJECT_ROOT / "pipelines").rglob("*.py")
    if path.name not in {"bench.py", "samples.py", "scoring.py", "show.py"}
)  # fmt: skip
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__", "breakpoint"}
FORBIDDEN_ATTRIBUTES = {("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execvp"), ("importlib", "import_module")}  # fmt: skip
FORBIDDEN_MODULES = {"subprocess", "ctypes", "pty", "code", "runpy"}
# The one module that may start a process, and what it may import for that: the .doc/.wps converter;
# and the one that calls pdfium's C functions through pypdfium2, which needs ctypes for their output
# arguments (numbers, a fill mode and a text buffer; it loads no library and calls nothing the data names).
PROCESS_STARTERS = {PROJECT_ROOT / "pipelines/readers/doc.py": {"subprocess"}}
C_CALLERS = {PROJECT_ROOT / "pipelines/readers/pdfium_text.py": {"ctypes"}}
CTYPES_FOR_OUTPUTS = {"c_int", "c_float", "c_double", "c_void_p", "cast", "create_string_buffer", "byref"}
INJECTION = "'); DROP TABLE fact_indicator_value; --"  # in a file name
QUOTED = "' OR '1'='1"  # in a sentence (a semicolon would end the clause)


@pytest.mark.parametrize("path", DATA_PATH, ids=lambda p: p.relative_to(PROJECT_ROOT).as_posix())
def test_no_code_execution_on_the_data_path(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_BUILTINS, f"{path.name}:{node.lineno} calls {node.func.id}"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
        ):
            call = (node.func.value.id, node.func.attr)
            assert call not in FORBIDDEN_ATTRIBUTES, f"{path.name}:{node.lineno} calls {'.'.join(call)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            )
            allowed = PROCESS_STARTERS.get(path, set()) | C_CALLERS.get(path, set())
            assert not {m.split(".")[0] for m in modules} & (FORBIDDEN_MODULES - allowed), (
                f"{path.name}:{node.lineno}"
            )
        if isinstance(node, ast.keyword) and node.arg == "shell":
            pytest.fail(f"{path.name}:{node.lineno} passes shell=")


def test_the_pdfium_reader_uses_ctypes_only_for_output_arguments():
    for path in C_CALLERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "ctypes"
        }
        assert used and used <= CTYPES_FOR_OUTPUTS, used
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "ctypes"]


def test_the_converter_starts_one_fixed_command_without_a_shell():
    """The process starter imports the module whole (no `from subprocess import ...` to hide calls),
    and its every use of it is one `subprocess.Popen` of a list display (a fixed argument list, never
    a string), in a session of its own, with no shell; the other names it uses are constants."""
    assert set(PROCESS_STARTERS) <= set(DATA_PATH)
    for path in PROCESS_STARTERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert all(node.module != "subprocess" for node in imports), path.name
        uses = [
            node for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "subprocess"
        ]  # fmt: skip
        calls = [
            node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func in uses
        ]  # fmt: skip
        assert [f"subprocess.{call.func.attr}" for call in calls] == ["subprocess.Popen"], path.name  # type: ignore[attr-defined]
        assert {use.attr for use in uses} <= {"Popen", "DEVNULL", "STDOUT", "TimeoutExpired"}, path.name
        (popen,) = calls
        assert len(popen.args) == 1 and isinstance(popen.args[0], ast.List), (
            "the argument list is a list display"
        )
        assert not any(isinstance(item, ast.Starred) for item in popen.args[0].elts)
        keywords = {keyword.arg: keyword.value for keyword in popen.keywords}
        assert "shell" not in keywords and None not in keywords  # no shell=, no **options
        assert (
            isinstance(keywords["start_new_session"], ast.Constant)
            and keywords["start_new_session"].value is True
        )


def test_sql_in_a_report_is_stored_as_text(tmp_path):
    reports = tmp_path / "in"
    reports.mkdir()
    text = f"长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元{QUOTED}\n"
    (reports / f"r{INJECTION}.txt").write_text(text, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    assert run_pipeline(reports, warehouse).success
    facts = query(warehouse, "SELECT source_file, snippet FROM v_indicator_values")
    assert facts["source_file"].tolist() == [f"r{INJECTION}.txt"]
    assert QUOTED in facts["snippet"].item()


def test_a_macro_project_in_a_docx_is_never_run_or_read():
    source = docx.Document()
    source.add_paragraph("全年整体支出100.00万元。")
    data = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes(source))) as original,
        zipfile.ZipFile(data, "w") as with_macro,
    ):
        for info in original.infolist():
            with_macro.writestr(info, original.read(info))
        with_macro.writestr("word/vbaProject.bin", b'Attribute VB_Name = "AutoOpen"\nShell "rm -rf /"')
    document = read_bytes(data.getvalue(), "r.docx", "0" * 64)
    assert [block.text for block in document.blocks] == ["全年整体支出100.00万元。"]
    with pytest.raises(ReadError, match=r"unsupported file type: \.docm"):
        read_bytes(data.getvalue(), "r.docm", "0" * 64)


@pytest.mark.slow  # a whole run as another user
def test_the_published_warehouse_is_a_read_only_file(tmp_path):
    reports = tmp_path / "in"
    reports.mkdir()
    (reports / "r.txt").write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出100.00万元。\n", encoding="utf-8"
    )
    warehouse = tmp_path / "w.duckdb"
    assert run_pipeline(reports, warehouse).success
    assert stat.S_IMODE(warehouse.stat().st_mode) == 0o444
    with duckdb.connect(str(warehouse), read_only=True) as analyst, pytest.raises(duckdb.Error):
        analyst.execute("DELETE FROM fact_indicator_value")
    # A new build still replaces it.
    (reports / "r.txt").write_text(
        "长沙市图书馆2022年度部门整体支出绩效自评报告\n全年整体支出200.00万元。\n", encoding="utf-8"
    )
    assert run_pipeline(reports, warehouse).success
    assert query(warehouse, "SELECT value FROM fact_indicator_value")["value"].item() == 2_000_000
