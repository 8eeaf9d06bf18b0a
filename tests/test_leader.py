"""What the leader reads and signs: the brief, the draft report, letters and mails without slips.

Cycles run on invented plans (tests/leader_plan.py): a provincial Kế hoạch with twelve units
and a Quyết định whose appendix is the plan. Office-rendered checks are marked slow.
"""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import docx
import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx import read_plan
from kehoach_xlsx.office import find_soffice
from kehoach_xlsx.rounds import common_values
from kehoach_xlsx.texts import clean_issuer, issuer_name, office_name, plan_sentence
from kehoach_xlsx.workspace import Workspace
from tests.leader_cycle import AS_OF, PERIOD, make_cycle, run
from tests.leader_plan import write_plan
from tests.printcheck import describe, overlaps, pdf_words

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ENGLISH_STATES = re.compile(
    r"\b(accepted|rejected|superseded|duplicate|skipped|pending|not_reported|in_progress|"
    r"not_started|cannot_do|overdue|missing_output|completed_late|done|invalid)\b"
)
BLANK_NUMBER = re.compile(r"Số:\s+/")  # the number a document office fills in by hand


def slips(text: str) -> list[str]:
    """Every slip a leader would notice at once, as short descriptions."""
    found = []
    if "-----" in text or "———————————————————" in text.replace("———————————————", ""):
        found.append("đường kẻ trang trí")
    found += [f"ngày ISO {m}" for m in ISO_DATE.findall(text)]
    if "[]" in text or "()" in text:
        found.append("ngoặc rỗng")
    for line in BLANK_NUMBER.sub("Số: /", text).splitlines():
        if re.search(r"\S {2,}\S", line):
            found.append(f"hai dấu cách: {line.strip()[:80]}")
    found += [f"từ tiếng Anh {m}" for m in ENGLISH_STATES.findall(text)]
    for half in ("liên hệ: .", "của  về", " về ,", "phường phường", "ngày ."):
        if half in text:
            found.append(f"câu dở: {half}")
    return found


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def visible_sheets_text(path: Path) -> str:
    """Text of the sheets a person sees (the hidden identity sheet is machine data)."""
    parts = []
    with CalamineWorkbook.from_path(str(path)) as book:
        for meta in book.sheets_metadata:
            if "hidden" not in str(meta.visible).lower():  # veryHidden too
                for row in book.get_sheet_by_name(meta.name).to_python():
                    parts += [str(v) for v in row if isinstance(v, str) and v]
    return "\n".join(parts)


def eml_texts(folder: Path) -> str:
    parts = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        parts.append(str(message["Subject"]))
        parts.append(message.get_body(("plain",)).get_content())
        html = message.get_body(("html",)).get_content()
        html = re.sub(r"</p>|<br>|</tr>|</td>|</th>", "\n", html)
        parts.append(re.sub(r"<[^>]+>", "", html))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kh")
    return make_cycle(tmp)


@pytest.fixture(scope="module")
def decision_cycle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("qd")
    return make_cycle(tmp, decision=True, contact="Đ/c Trần Thị Mai, ĐT 0270 3822 000")


# --- texts --------------------------------------------------------------------------------------


def test_issuer_cleaned_and_level_read():
    assert clean_issuer("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAM --------") == "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAM"
    assert issuer_name("UBND XÃ TÂN HÒA") == "Ủy ban nhân dân xã Tân Hòa"
    assert office_name("ỦY BAN NHÂN DÂN TỈNH HÀ LAM") == "Văn phòng UBND tỉnh"
    assert office_name("Ủy ban nhân dân phường Bến Nghé") == "Văn phòng HĐND và UBND phường"
    assert office_name("SỞ TƯ PHÁP TỈNH HÀ LAM") == "Văn phòng Sở"
    assert office_name("UBND xã A", "Văn phòng Đảng ủy - HĐND - UBND xã") == (
        "Văn phòng Đảng ủy - HĐND - UBND xã"
    )
    assert plan_sentence({}) == "Kế hoạch"  # nothing known: no "của  về"


def test_decision_style_plan_is_read(tmp_path):
    plan = read_plan(write_plan(tmp_path, decision=True))
    meta = plan.meta
    assert meta.number == "123/QĐ-UBND"
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH HÀ LAM"
    assert meta.date is not None and meta.date.strftime("%d/%m/%Y") == "20/04/2026"
    assert meta.title == "Chuyển đổi số tỉnh Hà Lam năm 2026"
    assert len(plan.tasks) == 19
    assert plan_sentence(meta).startswith(
        "Kế hoạch ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 20/04/2026 "
        "của Ủy ban nhân dân tỉnh Hà Lam về chuyển đổi số"
    )


def test_decision_without_plan_heading_takes_title_from_approval(tmp_path):
    text = tmp_path / "x.txt"
    source = write_plan(tmp_path, decision=True).read_text(encoding="utf-8")
    source = source.replace("KẾ HOẠCH\nChuyển đổi số tỉnh Hà Lam năm 2026\n", "")
    text.write_text(source, encoding="utf-8")
    assert read_plan(text).meta.title == "chuyển đổi số tỉnh Hà Lam năm 2026"


def test_missing_metadata_is_a_check_item_and_mails_still_read_well(tmp_path):
    source = write_plan(tmp_path).read_text(encoding="utf-8")
    source = source.replace("Số: 88/KH-UBND\n", "Số: /KH-UBND\n")
    source = source.replace("Hà Lam, ngày 12 tháng 3 năm 2026\n", "")
    path = tmp_path / "nhap.txt"
    path.write_text(source, encoding="utf-8")
    plan = read_plan(path)
    check = [w for w in plan.warnings if w.code == "meta_missing"]
    assert len(check) == 1 and "số văn bản, ngày ban hành" in check[0].message
    ws = tmp_path / "so"
    run("init", ws, "--plan", path)
    run("split", ws, "--period", PERIOD, "--due", "2026-10-05", "--json")
    drafts = tmp_path / "thu"
    run("send", ws, "--period", PERIOD, "--eml-dir", drafts)
    text = eml_texts(drafts)
    assert slips(text) == []
    assert "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh Hà Lam về cải cách hành chính" in text
    values = common_values(Workspace.open(ws), PERIOD, None)
    assert values["han"] == "" and values["ke_hoach_ngan"].startswith("Kế hoạch về ")


# --- the brief and the draft report -------------------------------------------------------------


def test_brief_headline_counts_and_order(cycle):
    ws, merged = cycle
    summary = merged["summary"]
    with CalamineWorkbook.from_path(str(ws / merged["report"])) as book:
        assert book.sheet_names[0] == "Tóm tắt"
        rows = book.get_sheet_by_name("Tóm tắt").to_python()
    cells = [str(v) for row in rows for v in row if v != ""]
    headline = next(c for c in cells if c.startswith("Kỳ tháng 9/2026:"))
    returned, units = summary["units_returned"], summary["units"]
    assert f"{returned}/{units} đơn vị đã báo cáo" in headline
    assert f"{units - returned} đơn vị chưa gửi" in headline
    overdue_tasks = len({i["task_id"] for i in merged["items"] if "overdue" in i["flags"]})
    assert f"{overdue_tasks} quá hạn" in headline
    assert "Số liệu đến ngày 08/10/2026." in " ".join(cells)
    header = next(i for i, r in enumerate(rows) if r[:2] == ["STT", "Đơn vị"])
    names = [r[1] for r in rows[header + 1 : header + 1 + units]]
    silent = {u["unit_name"] for u in merged["units"] if not u["returned"]}
    assert {n.removesuffix(" (chưa gửi)") for n in names[: len(silent)]} == silent
    pressing = [c for c in cells if re.match(r"^\d+\. .+\[[IV]+\.\d+\]", c)]
    assert 1 <= len(pressing) <= 10
    assert all(not ISO_DATE.search(c) for c in cells)


def test_draft_report_reads_back_with_sections_numbers_and_answers(cycle):
    ws, merged = cycle
    path = ws / merged["draft_report"]
    assert path.name == f"bao-cao_{PERIOD}.docx"
    text = docx_text(path)
    for heading in (
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch số 88/KH-UBND ngày 12/03/2026",
        "I. KẾT QUẢ THỰC HIỆN",
        "II. TỒN TẠI, HẠN CHẾ",
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT",
        "IV. NHIỆM VỤ KỲ TỚI (THÁNG 10/2026)",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "Số:        /BC-UBND",
        "Hà Lam, ngày 08 tháng 10 năm 2026",
    ):
        assert heading in text, heading
    summary = merged["summary"]
    assert f"{summary['units_returned']}/{summary['units']} đơn vị đã gửi báo cáo" in text
    assert f"{summary['done']} đã hoàn thành" in text
    # a unit's own words, attributed to it
    assert re.search(
        r"- Sở [^:\n]+: Thiếu kinh phí cho phần việc \d+; đề nghị bổ sung dự toán", text
    )
    assert "Đã hoàn thành nội dung 0, gửi báo cáo đúng hạn" in text
    assert "Văn bản đã ban hành: Số 15/BC-SNV ngày 20/9/2026." in text
    silent = sorted(u["unit_name"] for u in merged["units"] if not u["returned"])
    line = next(p for p in text.splitlines() if "đơn vị chưa gửi báo cáo:" in p)
    assert sorted(line.split(": ", 1)[1].rstrip(".").split(", ")) == silent
    assert "phường" not in text  # a provincial plan: no fixed ward wording
    assert slips(text) == []


def test_no_slips_in_any_output(cycle, tmp_path):
    ws, merged = cycle
    texts = {"report": visible_sheets_text(ws / merged["report"])}
    texts["assignment"] = visible_sheets_text(ws / "phan-cong.xlsx")
    for book in sorted((ws / "outgoing").glob("*/*.xlsx"))[:3]:
        texts[book.name] = visible_sheets_text(book)
    texts["draft"] = docx_text(ws / merged["draft_report"])
    run("send", ws, "--period", PERIOD, "--eml-dir", tmp_path / "gui")
    texts["send mails"] = eml_texts(tmp_path / "gui")
    result = run("remind", ws, "--period", PERIOD, "--as-of", AS_OF, "--letter")
    assert "Chưa gửi thư nhắc" in result.output  # no SMTP here, and that is said plainly
    letter = next((ws / "reports").glob("van-ban-don-doc_*.docx"))
    texts["letter"] = docx_text(letter)
    run("remind", ws, "--period", PERIOD, "--as-of", AS_OF, "--eml-dir", tmp_path / "nhac")
    texts["remind mails"] = eml_texts(tmp_path / "nhac")
    problems = {name: slips(text) for name, text in texts.items() if slips(text)}
    assert problems == {}
    assert "liên hệ" not in texts["send mails"]  # no contact set: the sentence is left out
    assert "Văn phòng UBND tỉnh trân trọng đề nghị" in texts["send mails"]
    assert "Thường xuyên" in texts["remind mails"] or "Thường xuyên" not in texts["assignment"]
    assert "của Ủy ban nhân dân tỉnh Hà Lam" in texts["letter"]
    assert "Đã nhận" in texts["report"]  # the file state on "Nhật ký", in Vietnamese


def test_no_slips_for_a_decision_style_plan(decision_cycle, tmp_path):
    ws, merged = decision_cycle
    run("send", ws, "--period", PERIOD, "--eml-dir", tmp_path / "gui")
    mails = eml_texts(tmp_path / "gui")
    run("remind", ws, "--period", PERIOD, "--as-of", AS_OF, "--letter", "--eml-dir", tmp_path / "n")
    letter = docx_text(next((ws / "reports").glob("van-ban-don-doc_*.docx")))
    draft = docx_text(ws / merged["draft_report"])
    report = visible_sheets_text(ws / merged["report"])
    for name, text in (("mails", mails), ("letter", letter), ("draft", draft), ("report", report)):
        assert slips(text) == [], name
    assert (
        "[UBND tỉnh Hà Lam] Đề nghị báo cáo kết quả thực hiện Kế hoạch ban hành kèm theo "
        "Quyết định số 123/QĐ-UBND ngày 20/04/2026 - kỳ tháng 9/2026" in mails
    )
    assert "Mọi vướng mắc xin liên hệ: Đ/c Trần Thị Mai, ĐT 0270 3822 000." in mails
    assert "Kế hoạch ban hành kèm theo Quyết định số 123/QĐ-UBND" in letter
    assert "Kết quả thực hiện Kế hoạch ban hành kèm theo Quyết định số 123/QĐ-UBND" in draft


def test_merge_pdf_without_libreoffice_is_a_note_not_an_error(cycle, monkeypatch):
    ws, _ = cycle
    monkeypatch.setenv("KEHOACH_SOFFICE", str(ws / "khong-co-soffice"))
    result = run("merge", ws, "--period", PERIOD, "--as-of", AS_OF, "--pdf", "--json")
    data = json.loads(result.output)
    assert data["pdf_note"].startswith("Không tìm thấy LibreOffice nên chưa tạo bản PDF")
    assert "pdf" not in data
    assert (ws / "reports" / f"bao-cao_{PERIOD}.docx").is_file()


# --- printed pages (LibreOffice) ----------------------------------------------------------------


def pdf_pages(pdf: Path) -> int:
    from tests.office import pdf_page_count

    return pdf_page_count(pdf)


def require_soffice() -> None:
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) không có trên máy")


@pytest.mark.slow
def test_brief_and_draft_print_as_pdf(tmp_path):
    require_soffice()
    from tests.office import pdf_page_size
    from tests.office import pdf_pages as page_texts

    ws, merged = make_cycle(tmp_path, merge_args=("--pdf",))
    brief = ws / "reports" / f"tom-tat_{PERIOD}.pdf"
    draft = ws / "reports" / f"bao-cao_{PERIOD}.pdf"
    assert [str(brief.relative_to(ws)), str(draft.relative_to(ws))] == merged["pdf"]
    assert pdf_pages(brief) == 1
    width, height = pdf_page_size(brief)
    assert round(width) == 595 and round(height) == 842  # A4 portrait
    text = page_texts(brief)[0]
    assert "Tình trạng thực hiện theo đơn vị" in text  # the chart printed with its legend
    assert "Đã hoàn thành" in text and "CÁC NHIỆM VỤ CẦN ĐÔN ĐỐC" in text
    assert "9/12 đơn vị đã báo cáo" in " ".join(text.split())
    assert overlaps(pdf_words(brief)) == []
    pages = " ".join(" ".join(page_texts(draft)).split())
    for expected in ("I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ", "III. KHÓ KHĂN, VƯỚNG MẮC",
                     "IV. NHIỆM VỤ KỲ TỚI", "9/12 đơn vị đã gửi báo cáo", "Thiếu kinh phí"):  # fmt: skip
        assert expected in pages, expected
    assert all(round(pdf_page_size(draft, p)[0]) == 595 for p in (1, pdf_pages(draft)))


@pytest.mark.slow
def test_brief_of_the_seed_cycle_prints_on_one_page(tmp_path):
    require_soffice()
    from tests.conftest import seed

    plans = [seed("000"), seed("002")]
    ws, _ = make_cycle(tmp_path, plans=plans, merge_args=("--pdf",))
    brief = ws / "reports" / f"tom-tat_{PERIOD}.pdf"
    assert pdf_pages(brief) == 1
    assert overlaps(pdf_words(brief)) == []


@pytest.mark.slow
def test_every_sheet_we_write_prints_without_overlapping_lines(cycle, tmp_path):
    require_soffice()
    from kehoach_xlsx.workbook.template import write_template
    from tests.office import convert

    ws, merged = cycle
    write_template(tmp_path / "mau.xlsx")
    books = [
        ws / "phan-cong.xlsx",
        sorted((ws / "outgoing").glob("*/*.xlsx"))[0],
        ws / merged["report"],
        tmp_path / "mau.xlsx",
    ]
    problems = {}
    for book in books:
        pdf = convert(book, "pdf", tmp_path / "pdf")
        found = overlaps(pdf_words(pdf))
        if found:
            problems[book.name] = describe(found)
    assert problems == {}
