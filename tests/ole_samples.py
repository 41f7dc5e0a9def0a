"""Real OLE compound files (MS-CFB version 3), built in memory for the evidence tests.

olefile only reads, and no Office is installed here, so this writes the format itself:
a header, one FAT sector, directory sectors and each stream in whole 512-byte sectors
(streams are padded to the 4096-byte mini-stream cutoff so no mini FAT is needed).
"""

from __future__ import annotations

import struct

SECTOR = 512
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
STORAGE, STREAM, ROOT = 1, 2, 5
MINI_CUTOFF = 4096


def _entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + bytes(16 + 4 + 8 + 8)
        + struct.pack("<IQ", start, size)
    )


def ole_file(
    streams: dict[str, bytes], storage: tuple[str, dict[str, bytes]] | None = None
) -> bytes:
    """An OLE file with ``streams`` at its root and, optionally, one storage holding streams
    of its own (e.g. ``("Macros", {"VBA": b"…"})``)."""
    entries: list[tuple[str, int, bytes]] = [(name, STREAM, data) for name, data in streams.items()]
    inner = list(storage[1].items()) if storage else []
    payloads = [data for _, _, data in entries] + [data for _, data in inner]
    padded = [
        data.ljust(max(MINI_CUTOFF, -(-len(data) // SECTOR) * SECTOR), b"\0") for data in payloads
    ]
    directory_count = 1 + len(entries) + (1 + len(inner) if storage else 0)
    directory_sectors = -(-directory_count * 128 // SECTOR)
    fat = [FATSECT] + [
        ENDOFCHAIN if i == directory_sectors - 1 else 2 + i for i in range(directory_sectors)
    ]
    starts: list[int] = []
    for data in padded:
        first = len(fat)
        count = len(data) // SECTOR
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
    assert len(fat) <= SECTOR // 4, "sample too large for one FAT sector"
    fat += [FREESECT] * (SECTOR // 4 - len(fat))

    records: list[bytes] = []
    root_child = 1 if entries or storage else NOSTREAM
    records.append(_entry("Root Entry", ROOT, root_child, NOSTREAM, ENDOFCHAIN, 0))
    top_level = len(entries) + (1 if storage else 0)
    for index, (name, _, _data) in enumerate(entries):
        right = index + 2 if index + 1 < top_level else NOSTREAM
        records.append(_entry(name, STREAM, NOSTREAM, right, starts[index], len(padded[index])))
    if storage:
        storage_id = len(records)
        records.append(_entry(storage[0], STORAGE, storage_id + 1, NOSTREAM, 0, 0))
        for offset, (name, _data) in enumerate(inner):
            right = storage_id + offset + 2 if offset + 1 < len(inner) else NOSTREAM
            position = len(entries) + offset
            records.append(
                _entry(name, STREAM, NOSTREAM, right, starts[position], len(padded[position]))
            )
    directory = b"".join(records)
    directory += _entry("", 0, NOSTREAM, NOSTREAM, 0, 0) * (directory_sectors * 4 - len(records))

    header = (
        SIGNATURE
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIII", 0, 1, 1, 0)
        + struct.pack("<IIIII", MINI_CUTOFF, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREESECT) * 108
    )
    assert len(header) == SECTOR
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + b"".join(padded)


def word_97(text: str = "三季度工作进展") -> bytes:
    """An OLE file with the streams of a Word 97–2003 document."""
    return ole_file({"WordDocument": text.encode("utf-16-le"), "1Table": b"\0" * 64})


def excel_97() -> bytes:
    """An OLE file with the stream of an Excel 97–2003 workbook (a BIFF8 BOF record)."""
    bof = bytes.fromhex("0908100000060500") + bytes(12)
    return ole_file({"Workbook": bof, "\x05SummaryInformation": b"\0" * 48})


def powerpoint_97() -> bytes:
    """An OLE file with the streams of a PowerPoint 97–2003 presentation."""
    return ole_file({"PowerPoint Document": b"\0" * 64, "Current User": b"\0" * 32})


def summary_only() -> bytes:
    """A valid OLE file holding only a summary stream: no Word, Excel or PowerPoint."""
    return ole_file({"\x05SummaryInformation": b"\0" * 48})
