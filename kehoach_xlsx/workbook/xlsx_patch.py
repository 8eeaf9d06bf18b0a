"""Put one sheet we own into someone else's xlsx package without loading the rest of it.

The coordinator's `phan-cong.xlsx` holds 20,000 rows of their own at province scale; a full
openpyxl round trip (load every sheet, save every sheet) costs tens of seconds and drops what
openpyxl does not understand (images, charts, some extensions). Here every other part of the
package is copied byte for byte: only our sheet's part, the cell formats it needs (appended to
styles.xml), its print titles / filter names, and the package lists that name a new part change.

The sheet itself is written by XlsxWriter into a one-sheet "donor" workbook (constant-memory
mode, so its texts are inline strings and need no shared-string table); its style indices are
renumbered into the target's styles. A package this module does not understand (a prefixed or
strict-OOXML styles.xml, a missing part…) raises `PatchError`; the caller then falls back to
openpyxl, slower but general.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable

WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKBOOK, WORKBOOK_RELS, STYLES, TYPES = (
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "[Content_Types].xml",
)
SHEET_NAMES = ("_xlnm.Print_Titles", "_xlnm._FilterDatabase")  # the names we own per sheet
# CT_Workbook children that come after <definedNames> (where a new block must go before)
_AFTER_NAMES = (
    "<calcPr",
    "<oleSize",
    "<customWorkbookViews",
    "<pivotCaches",
    "<smartTagPr",
    "<smartTagTypes",
    "<webPublishing",
    "<fileRecoveryPr",
    "<webPublishObjects",
    "<extLst",
    "</workbook>",
)
FAST = 1  # zlib level
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')


class PatchError(ValueError):
    """The package is not laid out the way this module can edit safely."""


def replace_sheet(
    package: bytes,
    name: str,
    donor: bytes,
    extend: Callable[[str], str | Iterable[str]] | None = None,
) -> bytes:
    """`package` with its sheet `name` replaced by (or, when absent, appended as) the only
    sheet of the XlsxWriter workbook `donor`; every other part is kept byte for byte.

    `extend`, when given, receives the donor's sheet XML (style indices already renumbered
    into the package's) and returns the XML to store: a caller streaming many rows adds them
    there as text, in the form XlsxWriter writes them.
    """
    try:
        source = zipfile.ZipFile(io.BytesIO(package))
        given = zipfile.ZipFile(io.BytesIO(donor))
        parts = {n: source.read(n) for n in (WORKBOOK, WORKBOOK_RELS, STYLES, TYPES)}
        donor_parts = {
            n: given.read(n).decode("utf-8") for n in ("xl/worksheets/sheet1.xml", STYLES, WORKBOOK)
        }
    except (zipfile.BadZipFile, KeyError) as err:
        raise PatchError(f"not an xlsx package this module can edit: {err}") from err
    workbook = _text(parts[WORKBOOK])
    rels = _text(parts[WORKBOOK_RELS])
    types = _text(parts[TYPES])
    sheets = _sheets(workbook)
    targets = _targets(rels)
    changed: dict[str, bytes | None] = {}  # part name -> new bytes (None: drop it)
    index = next((i for i, s in enumerate(sheets) if s["name"] == name), None)
    if index is None:
        index = len(sheets)
        part, workbook, rels, types = _add_sheet(
            name,
            sheets,
            set(targets.values()) | set(source.namelist()),
            targets,
            workbook,
            rels,
            types,
        )
    else:
        part = targets.get(sheets[index]["rid"])
        if part is None or part not in source.namelist():
            raise PatchError(f"sheet {name!r} has no part")
        folder, _, file = part.rpartition("/")
        changed[f"{folder}/_rels/{file}.rels"] = None  # nothing in our new sheet refers to it
        if "xl/calcChain.xml" in source.namelist():
            # the old sheet's formulas (if a person typed any) would be listed there; Excel
            # rebuilds a missing chain, but repairs the file over a stale one
            changed["xl/calcChain.xml"] = None
            rels = re.sub(r"<Relationship\b[^>]*calcChain[^>]*/>", "", rels)
            types = re.sub(r'<Override\b[^>]*PartName="/xl/calcChain.xml"[^>]*/>', "", types)
    styles, renumber = _merge_styles(_text(parts[STYLES]), donor_parts[STYLES])
    sheet_xml: str | Iterable[str] = _sheet_xml(donor_parts["xl/worksheets/sheet1.xml"], renumber)
    if extend is not None:
        sheet_xml = extend(sheet_xml)
    workbook = _replace_names(workbook, index, _donor_names(donor_parts[WORKBOOK], index))
    changed |= {
        part: sheet_xml.encode("utf-8") if isinstance(sheet_xml, str) else sheet_xml,
        WORKBOOK: workbook.encode("utf-8"),
        WORKBOOK_RELS: rels.encode("utf-8"),
        STYLES: styles.encode("utf-8"),
        TYPES: types.encode("utf-8"),
    }
    return _rezip(source, changed)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:  # UTF-16 parts exist in the wild; not worth editing
        raise PatchError("a package part is not UTF-8") from err


def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _sheets(workbook: str) -> list[dict[str, str]]:
    block = re.search(r"<sheets>(.*?)</sheets>", workbook, re.S)
    if block is None:
        raise PatchError("workbook.xml has no plain <sheets> list")
    root = re.search(r"<workbook\b[^>]*>", workbook)
    found = []
    for tag in re.findall(r"<sheet\b[^>]*>", block.group(1)):
        # the relationships prefix is declared on the root (Excel) or on each sheet (openpyxl)
        prefix = _rel_prefix(tag) or _rel_prefix(root.group(0) if root else "")
        attrs = _attrs(tag)
        if "name" not in attrs or f"{prefix}:id" not in attrs or "sheetId" not in attrs:
            raise PatchError("a <sheet> without name, number or relationship id")
        found.append({"name": attrs["name"], "rid": attrs[f"{prefix}:id"], "id": attrs["sheetId"]})
    return found


def _rel_prefix(tag: str) -> str | None:
    prefix = re.search(rf'xmlns:(\w+)="{re.escape(REL_NS)}"', tag)
    return prefix.group(1) if prefix else None


def _targets(rels: str) -> dict[str, str]:
    """Relationship id -> part name inside the package, for the workbook's relationships."""
    found = {}
    for tag in re.findall(r"<Relationship\b[^>]*>", rels):
        attrs = _attrs(tag)
        target = attrs.get("Target", "")
        found[attrs.get("Id", "")] = target[1:] if target.startswith("/") else f"xl/{target}"
    return found


def _add_sheet(name, sheets, used, targets, workbook, rels, types):
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in used:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    rid = 1
    while f"rId{rid}" in targets:
        rid += 1
    sheet_id = max((int(s["id"]) for s in sheets), default=0) + 1
    entry = (
        f'<sheet xmlns:r="{REL_NS}" name="{html.escape(name)}" sheetId="{sheet_id}" '
        f'r:id="rId{rid}"/>'
    )
    workbook = workbook.replace("</sheets>", entry + "</sheets>", 1)
    relation = (
        f'<Relationship Id="rId{rid}" Type="{WORKSHEET_TYPE}" '
        f'Target="worksheets/sheet{number}.xml"/>'
    )
    if "</Relationships>" not in rels:
        raise PatchError("workbook relationships are not a plain list")
    rels = rels.replace("</Relationships>", relation + "</Relationships>", 1)
    override = f'<Override PartName="/{part}" ContentType="{WORKSHEET_CONTENT}"/>'
    if "</Types>" not in types:
        raise PatchError("content types are not a plain list")
    types = types.replace("</Types>", override + "</Types>", 1)
    return part, workbook, rels, types


# ---- styles -------------------------------------------------------------------------------------
_LISTS = ("fonts", "fills", "borders", "cellXfs")
_ITEM = {"fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}
_XF_REFS = {"fontId": "fonts", "fillId": "fills", "borderId": "borders"}


def _children(block: str, item: str) -> list[str]:
    return re.findall(
        rf"<{item}\b[^>]*/>|<{item}\b[^>]*[^/]>.*?</{item}>|<{item}>.*?</{item}>", block, re.S
    )


def _list_block(styles: str, tag: str) -> re.Match[str]:
    found = list(re.finditer(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", styles, re.S))
    if len(found) != 1 or found[0].group(1).endswith("/"):
        raise PatchError(f"styles.xml has no single plain <{tag}> list")
    return found[0]


def _append(styles: str, tag: str, items: list[str], count: int) -> str:
    """`styles` with `items` added at the end of its <tag> list, whose count becomes `count`."""
    block = _list_block(styles, tag)
    opening = re.sub(r'\scount="\d+"', "", styles[block.start() : block.start(2)])
    opening = f'{opening[:-1]} count="{count}">'
    return (
        styles[: block.start()] + opening + block.group(2) + "".join(items) + styles[block.end(2) :]
    )


def _merge_styles(target: str, donor: str) -> tuple[str, Callable[[int], int]]:
    """Append the donor's fonts, fills, borders, number formats and cell formats to the
    target's styles (reusing identical ones); returns the new styles.xml and the map from a
    donor cell-format index to the target's."""
    formats: dict[str, str] = {}  # donor custom number format id -> target id
    existing = {}
    for tag in re.findall(r"<numFmt\b[^>]*>", target):
        attrs = _attrs(tag)
        existing[attrs.get("formatCode")] = int(attrs.get("numFmtId", "0"))
    added_formats = []
    for tag in re.findall(r"<numFmt\b[^>]*>", donor):
        attrs = _attrs(tag)
        if attrs["formatCode"] not in existing:
            new = max([*existing.values(), 163]) + 1
            existing[attrs["formatCode"]] = new
            added_formats.append(
                f'<numFmt numFmtId="{new}" formatCode="{html.escape(attrs["formatCode"])}"/>'
            )
        formats[attrs["numFmtId"]] = str(existing[attrs["formatCode"]])
    if added_formats:
        target = re.sub(r"<numFmts\b[^>]*/>", "", target, count=1)
        if "<numFmts" in target:
            have = len(re.findall(r"<numFmt\b", _list_block(target, "numFmts").group(2)))
            target = _append(target, "numFmts", added_formats, have + len(added_formats))
        else:
            at = _list_block(target, "fonts").start()
            block = f'<numFmts count="{len(added_formats)}">{"".join(added_formats)}</numFmts>'
            target = target[:at] + block + target[at:]
    maps: dict[str, list[int]] = {}
    for tag in _LISTS:
        block = _list_block(target, tag).group(2)
        have = _children(block, _ITEM[tag])
        if len(have) != len(re.findall(rf"<{_ITEM[tag]}\b", block)):
            raise PatchError(f"styles.xml <{tag}> holds items this module cannot count")
        mine = _children(_list_block(donor, tag).group(2), _ITEM[tag])
        if tag == "cellXfs":
            mine = [_renumber_xf(xf, maps, formats) for xf in mine]
        mapping, added = [], []
        for item in mine:
            if item in have:
                mapping.append(have.index(item))
            elif item in added:
                mapping.append(len(have) + added.index(item))
            else:
                mapping.append(len(have) + len(added))
                added.append(item)
        maps[tag] = mapping
        if added:
            target = _append(target, tag, added, len(have) + len(added))
    xfs = maps["cellXfs"]
    return target, lambda index: xfs[index]


def _renumber_xf(xf: str, maps: dict[str, list[int]], formats: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        key, value = match.group(1), match.group(2)
        if key in _XF_REFS:
            value = str(maps[_XF_REFS[key]][int(value)])
        elif key == "numFmtId":
            value = formats.get(value, value)
        return f'{key}="{value}"'

    return re.sub(r'\b(fontId|fillId|borderId|numFmtId)="(\d+)"', swap, xf)


# ---- the sheet and its names -------------------------------------------------------------------
def _sheet_xml(xml: str, renumber: Callable[[int], int]) -> str:
    # only one sheet of a workbook may be "selected": two selected tabs are grouped in Excel
    xml = xml.replace(' tabSelected="1"', "")
    xml = re.sub(
        r'(<(?:c|row)\b[^>]*?\ss=")(\d+)"',
        lambda m: f'{m.group(1)}{renumber(int(m.group(2)))}"',
        xml,
    )
    return re.sub(
        r'(<col\b[^>]*?\sstyle=")(\d+)"',
        lambda m: f'{m.group(1)}{renumber(int(m.group(2)))}"',
        xml,
    )


def _donor_names(workbook: str, index: int) -> list[str]:
    names = re.findall(r"<definedName\b[^>]*>.*?</definedName>", workbook, re.S)
    return [re.sub(r'localSheetId="\d+"', f'localSheetId="{index}"', n) for n in names]


def _replace_names(workbook: str, index: int, names: list[str]) -> str:
    """Drop the target's print titles / filter names of sheet `index`, then add ours."""

    def ours(match: re.Match[str]) -> str:
        attrs = _attrs(match.group(1))
        mine = attrs.get("name") in SHEET_NAMES and attrs.get("localSheetId") == str(index)
        return "" if mine else match.group(0)

    workbook = re.sub(
        r"<definedName\b([^>]*?)(?:/>|>.*?</definedName>)", ours, workbook, flags=re.S
    )
    if not names:
        return workbook
    if "</definedNames>" in workbook:
        return workbook.replace("</definedNames>", "".join(names) + "</definedNames>", 1)
    workbook = re.sub(r"<definedNames\s*/>", "", workbook)
    block = f"<definedNames>{''.join(names)}</definedNames>"
    at = min(p for p in (workbook.find(tag) for tag in _AFTER_NAMES) if p >= 0)
    return workbook[:at] + block + workbook[at:]


def _rezip(source: zipfile.ZipFile, changed: dict[str, bytes | Iterable[str] | None]) -> bytes:
    # zipfile cannot copy a member without inflating it: deflate again at the fastest level
    # (the coordinator's own sheets are most of the bytes; level 1 is ~4x faster than 6)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=FAST) as target:
        for info in source.infolist():
            if info.filename in changed:
                data = changed.pop(info.filename)
                if data is not None:
                    _put(target, info.filename, data)
            else:
                target.writestr(info, source.read(info), compresslevel=FAST)
        for name, data in changed.items():
            if data is not None:
                _put(target, name, data)
    return out.getvalue()


def _put(target: zipfile.ZipFile, name: str, data: bytes | Iterable[str]) -> None:
    """One part: bytes as they are, or XML text streamed in pieces (a province's sheet is
    100,000 rows: held whole, its text and its bytes would cost hundreds of MB)."""
    if isinstance(data, bytes):
        target.writestr(name, data)
        return
    with target.open(name, "w", force_zip64=True) as part:
        for piece in data:
            part.write(piece.encode("utf-8"))


def without_sheet_data(package: bytes, name: str) -> bytes:
    """`package` with sheet `name` emptied (for a quick openpyxl load of a sheet that is
    about to be replaced anyway); unchanged when the sheet is absent."""
    source = zipfile.ZipFile(io.BytesIO(package))
    try:
        workbook = _text(source.read(WORKBOOK))
        targets = _targets(_text(source.read(WORKBOOK_RELS)))
    except KeyError as err:
        raise PatchError(f"not an xlsx package this module can edit: {err}") from err
    sheet = next((s for s in _sheets(workbook) if s["name"] == name), None)
    if sheet is None or targets.get(sheet["rid"]) not in source.namelist():
        return package
    empty = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData/></worksheet>"
    )
    return _rezip(source, {targets[sheet["rid"]]: empty.encode("utf-8")})
