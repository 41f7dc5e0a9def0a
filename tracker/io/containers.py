"""Checks a zip container (.docx, .xlsx) before any parser opens it.

A few KB can declare a sheet of 1,048,576 rows or inflate to gigabytes (DESIGN.md §8): the
parsers would try. These checks read only the zip's central directory and, for workbooks,
stream each sheet's XML (bounded by the checked sizes) for its declared dimension and the
highest cell reference. ``zipfile`` never inflates a member beyond its declared size, so
checking the declared sizes bounds what a parser can be made to read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

#: Default limits; the settings object may override them (``TRACKER_IMPORT_*``).
DEFAULT_MAX_MEMBERS = 2_000
DEFAULT_MAX_TOTAL_MB = 100
DEFAULT_MAX_RATIO = 200
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_COLUMNS = 256
#: Members smaller than this are never refused for their ratio (tiny XML compresses well).
RATIO_FLOOR_BYTES = 1 << 20

_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class ContainerRefused(ValueError):
    """The file breaks a limit; the message (Chinese) names the file and the limit."""


class NotAContainer(ContainerRefused):
    """The file is no zip at all (the parser's own message says so better to its caller)."""


@dataclass(frozen=True, slots=True)
class ContainerLimits:
    """Limits of one zip container: members (count), total uncompressed size (MiB), the
    compression ratio of any member over 1 MiB, and a sheet's rows and columns."""

    max_members: int = DEFAULT_MAX_MEMBERS
    max_total_mb: int = DEFAULT_MAX_TOTAL_MB
    max_ratio: int = DEFAULT_MAX_RATIO
    max_rows: int = DEFAULT_MAX_ROWS
    max_columns: int = DEFAULT_MAX_COLUMNS


def check_container(
    source: Path | bytes, name: str, limits: ContainerLimits = ContainerLimits()
) -> list[str]:
    """Check a .docx/.xlsx (a path or its bytes) against ``limits``; return its member names.

    Raises :class:`ContainerRefused` naming ``name`` and the limit broken, or a sheet that
    cannot be read (corrupt data, malformed XML, DTD entities, an encrypted part);
    :class:`NotAContainer` when the file is not a readable zip at all.
    """
    try:
        stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
    except OSError as error:  # the parser names a missing or unreadable file in its words
        raise NotAContainer(f"文件「{name}」无法打开（{error}）") from error
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            _check_sizes(infos, name, limits)
            for info in infos:
                if _is_worksheet(info.filename):
                    _check_readable_sheet(archive, info, name, limits)
            return [info.filename for info in infos]
    except ContainerRefused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise NotAContainer(f"文件「{name}」不是有效的 Office 文档（{error}）") from error
    except (zipfile.LargeZipFile, NotImplementedError, ValueError) as error:
        # a zip directory the parsers would fail on with these same errors: refuse it here
        raise ContainerRefused(
            f"文件「{name}」已损坏，无法读取（{error}），请重新保存后再上传"
        ) from error
    finally:
        stream.close()


def _check_sizes(infos: list[zipfile.ZipInfo], name: str, limits: ContainerLimits) -> None:
    if len(infos) > limits.max_members:
        raise ContainerRefused(
            f"文件「{name}」含 {len(infos)} 个部件，超过上限 {limits.max_members} 个"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_mb * (1 << 20):
        raise ContainerRefused(
            f"文件「{name}」解压后 {total / (1 << 20):.0f} MB，超过上限 {limits.max_total_mb} MB"
        )
    for info in infos:
        if info.file_size < RATIO_FLOOR_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise ContainerRefused(
                f"文件「{name}」的部件 {info.filename} 压缩比 {ratio:.0f}:1，"
                f"超过上限 {limits.max_ratio}:1（疑似压缩炸弹）"
            )


def _check_readable_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: ContainerLimits
) -> None:
    """:func:`_check_sheet`, a sheet that cannot be read refused too (before a parser tries)."""
    try:
        _check_sheet(archive, info, name, limits)
    except (
        SafeElementTree.ParseError,
        DefusedXmlException,
        zlib.error,
        zipfile.BadZipFile,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ) as error:
        raise ContainerRefused(
            f"文件「{name}」的工作表 {_sheet_label(info.filename)} 无法读取"
            f"（已损坏、加密或含有不允许的 XML 内容：{type(error).__name__}），请重新保存后再上传"
        ) from error


def _is_worksheet(member: str) -> bool:
    return member.startswith("xl/worksheets/") and member.endswith(".xml")


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: ContainerLimits
) -> None:
    """Refuse a sheet whose declared dimension or any cell lies beyond the row/column limit."""
    with archive.open(info) as xml:
        for _event, element in SafeElementTree.iterparse(xml, events=("start",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "dimension":
                _check_reference(element.get("ref", ""), name, info.filename, limits)
            elif tag == "c":
                _check_reference(element.get("r", ""), name, info.filename, limits)
            elif tag == "row":
                _check_row(element.get("r", ""), name, info.filename, limits)
            element.clear()


def _check_reference(ref: str, name: str, sheet: str, limits: ContainerLimits) -> None:
    for corner in ref.split(":"):
        match = _CELL_REF.match(corner.strip())
        if match is None:
            continue
        column, row = _column_number(match.group(1)), int(match.group(2))
        _check_row(str(row), name, sheet, limits)
        if column > limits.max_columns:
            raise ContainerRefused(
                f"文件「{name}」的工作表 {_sheet_label(sheet)} 用到第 {column} 列，"
                f"超过上限 {limits.max_columns} 列"
            )


def _check_row(raw: str, name: str, sheet: str, limits: ContainerLimits) -> None:
    if raw.isdigit() and int(raw) > limits.max_rows:
        raise ContainerRefused(
            f"文件「{name}」的工作表 {_sheet_label(sheet)} 用到第 {int(raw)} 行，"
            f"超过上限 {limits.max_rows} 行"
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_label(member: str) -> str:
    return member.rsplit("/", 1)[-1].removesuffix(".xml")
