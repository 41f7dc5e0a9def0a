"""Zip containers are checked before parsing: a sheet declared to row 1,048,576 and a zip
bomb are refused quickly, with a message naming the limit; real tables pass."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.paths import SEEDS
from tracker.io.containers import (
    ContainerLimits,
    ContainerRefused,
    NotAContainer,
    check_container,
)

MB = 1 << 20


def _sheet_with_one_far_cell() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "序号"
    book.active["A1048576"] = "远处的单元格"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip_bomb(inflated_mb: int) -> bytes:
    """A .docx-shaped zip whose document.xml inflates to ``inflated_mb`` MiB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * MB
            for _ in range(inflated_mb):
                member.write(block)
    return buffer.getvalue()


def _measured(call: object) -> tuple[float, int, BaseException | None]:
    """Seconds, peak Python allocation in bytes, and the exception raised by ``call()``."""
    tracemalloc.start()
    started = time.perf_counter()
    raised: BaseException | None = None
    try:
        call()  # type: ignore[operator]
    except ContainerRefused as error:
        raised = error
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, raised


def test_a_small_workbook_declaring_row_1048576_is_refused_quickly() -> None:
    data = _sheet_with_one_far_cell()
    assert len(data) < 16 * 1024
    elapsed, peak, error = _measured(lambda: check_container(data, "进度填报.xlsx"))
    assert isinstance(error, ContainerRefused)
    assert "进度填报.xlsx" in str(error)
    assert "1048576 行" in str(error) and "上限 100000 行" in str(error)
    assert elapsed < 2 and peak < 100 * MB


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating() -> None:
    bomb = _zip_bomb(inflated_mb=256)
    assert len(bomb) < 2 * MB
    elapsed, peak, error = _measured(lambda: check_container(bomb, "方案.docx"))
    assert isinstance(error, ContainerRefused)
    assert "方案.docx" in str(error) and "上限 100 MB" in str(error)
    assert elapsed < 2 and peak < 100 * MB


def test_a_highly_compressed_member_is_refused_for_its_ratio() -> None:
    bomb = _zip_bomb(inflated_mb=20)
    with pytest.raises(ContainerRefused, match=r"压缩比 \d+:1，超过上限 200:1"):
        check_container(bomb, "方案.docx")


def test_too_many_members_and_too_many_columns_are_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(30):
            archive.writestr(f"word/part{index}.xml", "<x/>")
    with pytest.raises(ContainerRefused, match="30 个部件，超过上限 20 个"):
        check_container(buffer.getvalue(), "多部件.docx", ContainerLimits(max_members=20))

    book = openpyxl.Workbook()
    book.active.cell(row=1, column=300, value="宽")
    wide = io.BytesIO()
    book.save(wide)
    with pytest.raises(ContainerRefused, match="第 300 列，超过上限 256 列"):
        check_container(wide.getvalue(), "宽表.xlsx")


def test_a_file_that_is_not_a_zip_is_refused_by_name() -> None:
    with pytest.raises(ContainerRefused, match=r"「坏文件\.xlsx」不是有效的 Office 文档"):
        check_container(b"not a zip at all", "坏文件.xlsx")


@pytest.mark.parametrize(
    "name", ["cixi-key-tasks.docx", "cixi-key-tasks.xlsx", "national-assessment-rubric.docx"]
)
def test_the_real_tables_pass(name: str) -> None:
    members = check_container(Path(SEEDS / name), name)
    assert "[Content_Types].xml" in members


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "sheet",
    [
        b"<worksheet><row r='1'",  # cut off
        b"<!DOCTYPE x [<!ENTITY a 'b'>]><worksheet>&a;</worksheet>",  # entities
    ],
)
def test_a_sheet_that_cannot_be_read_is_refused_before_a_parser(sheet: bytes) -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ContainerRefused, match=r"「坏表\.xlsx」的工作表 sheet1 无法读取"):
        check_container(data, "坏表.xlsx")


def test_a_corrupt_sheet_is_refused_by_name() -> None:
    data = bytearray(_zip({"xl/worksheets/sheet1.xml": b"<worksheet>" + b"<row/>" * 500}))
    data[40:60] = bytes(20)  # inside the deflated sheet
    with pytest.raises(ContainerRefused, match="无法读取"):
        check_container(bytes(data), "坏表.xlsx")


def test_a_missing_file_is_left_to_the_parser_to_name(tmp_path: Path) -> None:
    with pytest.raises(NotAContainer):
        check_container(tmp_path / "不存在.docx", "不存在.docx")
