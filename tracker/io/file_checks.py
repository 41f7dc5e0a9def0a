"""What an evidence file holds besides its declared kind: macros, executables, scripts.

Each check takes the file's bytes and returns the reason (Chinese) it is refused, or None.
OOXML: the zip's limits (:mod:`tracker.io.containers`), content types present, only known
part kinds, no macro or ActiveX parts and no executable content whatever a part is named.
OLE (.doc/.xls/.ppt): parsed with olefile; macro storages and executable payloads refused.
PDF: ``/JavaScript``, ``/JS``, ``/Launch``, ``/EmbeddedFile`` refused, also when written with
``#xx`` escapes or packed in a compressed object stream.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

import olefile

from tracker.io.containers import ContainerLimits, ContainerRefused, check_container

#: Part extensions an Office document is made of (XML, relationships, pictures, audio and
#: video, fonts and printer settings, embedded packages); anything else (.exe, .dll, .js,
#: .xlsm …) is refused.
KNOWN_PART_EXTENSIONS = frozenset(
    {
        "xml", "rels", "vml", "png", "jpeg", "jpg", "gif", "bmp", "tif", "tiff", "emf",
        "wmf", "svg", "wdp", "odttf", "fntdata", "bin", "jfif", "ico", "pict", "webp",
        "mp4", "m4v", "mov", "wmv", "avi", "mp3", "m4a", "wav", "wma",
        "docx", "xlsx", "pptx",
    }
)  # fmt: skip
#: Embedded packages (a Word chart keeps its data as word/embeddings/…xlsx) are checked
#: like the file itself, down to this depth.
_EMBEDDED_PACKAGES = frozenset({"docx", "xlsx", "pptx"})
_MAX_DEPTH = 2
#: An embedded package is read into memory to be checked: at most this many bytes of it.
_MAX_EMBEDDED_BYTES = 32 << 20
#: Content types and part names that carry code.
_MACRO_MARKERS = ("vbaproject", "macroenabled", "activex", "vbadata", "ms-office.vba")
#: OLE storages that hold VBA macros.
_OLE_MACRO_STREAMS = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project"})
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF")
#: What reading a damaged or encrypted zip member raises.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)
#: How much of each OLE stream is searched for an embedded program.
_SCAN_BYTES = 1 << 16
_PDF_ACTIVE = re.compile(
    rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia)\b|/(JS)\s*(?:[(<]|\d+\s+\d+\s+R)"
)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: The keyword opening a stream's body (not the end of "endstream").
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_PDF_COUNT = re.compile(rb"/N\s+\d")
_PDF_FIRST = re.compile(rb"/First\s+\d")
_PDF_FILTER = re.compile(
    rb"/(FlateDecode|Fl|LZWDecode|ASCIIHexDecode|ASCII85Decode|A85|AHx|"
    rb"RunLengthDecode|Crypt|DCTDecode|JPXDecode|CCITTFaxDecode|JBIG2Decode)\b"
)
#: How many bytes all object streams of one PDF may inflate to.
_OBJECT_STREAM_BUDGET = 32 << 20


def ooxml_threat(
    data: bytes, name: str, limits: ContainerLimits | None = None, *, depth: int = 0
) -> str | None:
    """Why an Office Open XML package (.docx/.xlsx/.pptx) is refused, or None if it is clean.

    ``depth`` counts the packages this one is embedded in (embedded .docx/.xlsx/.pptx parts
    are checked the same way, at most two levels deep)."""
    limits = limits or ContainerLimits()
    try:
        members = check_container(data, name, limits)
    except ContainerRefused as error:
        return str(error)
    if "[Content_Types].xml" not in members:
        return f"文件「{name}」缺少 [Content_Types].xml，不是有效的 Office 文档"
    try:
        return _package_threat(data, members, name, limits, depth)
    except _UNREADABLE as error:
        return f"文件「{name}」已损坏或加密，无法检查（{type(error).__name__}），请重新保存后再上传"


def _package_threat(
    data: bytes, members: list[str], name: str, limits: ContainerLimits, depth: int
) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
        if any(marker in content_types for marker in _MACRO_MARKERS):
            return f"文件「{name}」含有宏或 ActiveX 控件，请另存为不含宏的文档后再上传"
        for member in members:
            reason = _part_threat(archive, member, name, limits, depth)
            if reason:
                return reason
    return None


def _part_threat(
    archive: zipfile.ZipFile, member: str, name: str, limits: ContainerLimits, depth: int
) -> str | None:
    if member.endswith("/"):
        return None
    lowered = member.lower()
    if any(marker in lowered for marker in _MACRO_MARKERS):
        return f"文件「{name}」含有宏部件 {member}，请另存为不含宏的文档后再上传"
    extension = lowered.rsplit(".", 1)[-1] if "." in lowered.rsplit("/", 1)[-1] else ""
    if extension not in KNOWN_PART_EXTENSIONS:
        return f"文件「{name}」含有不属于 Office 文档的部件 {member}"
    with archive.open(member) as part:
        head = part.read(8)
    if head.startswith(_EXECUTABLE_MAGIC):
        return f"文件「{name}」的部件 {member} 是可执行程序"
    if extension in _EMBEDDED_PACKAGES:
        inner = f"{name} 中的 {member}"
        if depth >= _MAX_DEPTH:
            return f"文件「{inner}」嵌套过深"
        if archive.getinfo(member).file_size > _MAX_EMBEDDED_BYTES:
            return f"文件「{inner}」超过 {_MAX_EMBEDDED_BYTES >> 20} MB，无法检查"
        return ooxml_threat(archive.read(member), inner, limits, depth=depth + 1)
    if head.startswith(b"\xd0\xcf\x11\xe0") and extension == "bin":
        return ole_threat(archive.read(member), f"{name} 中的 {member}", embedded=True)
    return None


def ole_threat(data: bytes, name: str, *, embedded: bool = False) -> str | None:
    """Why an OLE compound file (.doc/.xls/.ppt, or one embedded in a package) is refused,
    or None: not parseable, a macro storage, or a stream holding an executable."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for path in ole.listdir(streams=True, storages=True):
                if any(part.lower() in _OLE_MACRO_STREAMS for part in path):
                    return f"文件「{name}」含有宏，请另存为不含宏的文档后再上传"
            for path in ole.listdir(streams=True, storages=False):
                with ole.openstream(path) as stream:
                    head = stream.read(_SCAN_BYTES)
                if head.startswith(_EXECUTABLE_MAGIC) or _holds_windows_program(head):
                    return f"文件「{name}」中嵌有可执行程序"
    except (OSError, ValueError) as error:
        if embedded:
            return f"文件「{name}」无法解析（{error}）"
        return f"文件「{name}」不是有效的 Office 文档（{error}）"
    return None


def ole_streams(data: bytes) -> frozenset[str]:
    """The names of the streams at the root of an OLE compound file ("WordDocument",
    "Workbook", "PowerPoint Document" …); raises OSError or ValueError when olefile cannot
    parse it."""
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        paths = ole.listdir(streams=True, storages=False)
    return frozenset(path[0] for path in paths if len(path) == 1)


def _holds_windows_program(data: bytes) -> bool:
    """Whether ``data`` holds a Windows program anywhere: "MZ" whose e_lfanew (at +0x3C)
    points at "PE\\0\\0" (an Ole10Native package wraps its file after a name and paths)."""
    start = data.find(b"MZ")
    while start != -1:
        field = data[start + 0x3C : start + 0x40]
        if len(field) == 4:
            offset = start + int.from_bytes(field, "little")
            if data[offset : offset + 4] == b"PE\0\0":
                return True
        start = data.find(b"MZ", start + 1)
    return False


def pdf_threat(data: bytes, name: str) -> str | None:
    """Why a PDF is refused (scripts, launch actions, embedded files), or None.

    The whole file is searched (a reader finds objects by offset, so no part of it can be
    skipped), and so are the objects packed in compressed object streams (``/ObjStm``,
    inflated up to 32 MiB in all). ``/JS`` counts only with a value after it ("(", "<" or
    "n 0 R"): alone, its three bytes turn up by chance about once in 20 MB of image data.
    An object stream that cannot be inflated (another filter, or an encrypted file) cannot
    be checked and is refused.
    """
    texts = [data]
    budget = _OBJECT_STREAM_BUDGET
    for dictionary, body in _object_streams(data):
        inflated = _inflate(dictionary, body, budget)
        if inflated is None:
            return (
                f"文件「{name}」的对象流无法解压检查（可能已加密或使用了不常见的压缩方式），"
                "请另存为普通 PDF 后再上传"
            )
        budget -= len(inflated)
        texts.append(inflated)
    for text in texts:
        found = _PDF_ACTIVE.search(_unescape_names(text))
        if found:
            kind = (found.group(1) or found.group(2)).decode()
            return (
                f"文件「{name}」含有脚本、启动动作或嵌入文件（/{kind}），请另存为普通 PDF 后再上传"
            )
    return None


def _object_streams(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(dictionary, raw body) of each stream that packs objects: ``/Type/ObjStm``, or the
    ``/N`` and ``/First`` a reader needs to unpack it."""
    for start in _PDF_STREAM.finditer(data):
        head = data[max(0, start.start() - 4096) : start.start()]
        dictionary = _unescape_names(head[max(head.rfind(b"obj"), 0) :])
        packs = _PDF_OBJECT_STREAM.search(dictionary) or (
            _PDF_COUNT.search(dictionary) and _PDF_FIRST.search(dictionary)
        )
        if packs:
            end = data.find(b"endstream", start.end())
            yield dictionary, data[start.end() : end if end != -1 else len(data)]


def _inflate(dictionary: bytes, body: bytes, budget: int) -> bytes | None:
    """The decoded body of an object stream, or None when its filter is not FlateDecode
    alone, it is not valid zlib data, or it inflates beyond ``budget`` bytes."""
    filters = _PDF_FILTER.findall(dictionary)
    if not filters:
        return body if b"/Filter" not in dictionary else None
    if filters != [b"FlateDecode"] and filters != [b"Fl"]:
        return None
    if budget <= 0:
        return None
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(body, budget)
    except zlib.error:
        return None
    beyond = inflater.unconsumed_tail or (len(inflated) >= budget and not inflater.eof)
    return None if beyond else inflated


def _unescape_names(data: bytes) -> bytes:
    """``data`` with PDF name escapes ("#4A" for "J") written out."""
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
