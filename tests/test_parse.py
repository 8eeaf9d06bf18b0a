"""Plan reading on the real seed plans and on bad input."""

from __future__ import annotations

import json
import zipfile
from collections import Counter

import pytest
from click.testing import CliRunner

from kehoach_xlsx import read_plan
from kehoach_xlsx.cli import main
from kehoach_xlsx.errors import InputFileError, PlanFormatError
from kehoach_xlsx.parse import split_outputs, split_units
from kehoach_xlsx.sample import plan_files
from tests.conftest import seed


def codes(plan):
    return Counter(w.code for w in plan.warnings)


def test_seed_002_appendix_table():
    plan = read_plan(seed("002"))
    assert len(plan.tasks) == 57
    per_section = Counter(t.id.split(".")[0] for t in plan.tasks)
    assert per_section["A"] == 5
    ids = [t.id for t in plan.tasks]
    assert "B.I" in ids  # a section row with its own lead is a task
    numbered = [t for t in plan.tasks if t.id.startswith("B.") and t.id != "B.I"]
    assert [int(t.number) for t in numbered] == list(range(1, 52))
    by_number = {t.number: t for t in numbered}
    assert by_number["21"].lead == [
        "Phòng Xây dựng, Nông nghiệp và Môi trường",
        "Văn phòng HĐND và UBND",
        "Trung tâm Phục vụ hành chính công",
    ]
    # task 35: its number was printed on the continuation row after a page break
    task35 = by_number["35"]
    assert task35.title.startswith("Nâng cao chất lượng công tác quản lý, xử lý vi phạm hành chính")
    assert "phối hợp giữa các cơ quan, đơn vị" in task35.title
    assert task35.lead == ["Công an phường", "Các phòng chuyên môn, đơn vị thuộc phường"]
    # task 7: the deadline text survives the page break intact
    task7 = by_number["7"]
    assert task7.deadline_text.startswith("-Kế hoạch của Ủy ban nhân dân phường ban hành")
    assert "Thường xuyên" in task7.deadline_text
    assert "bổ sung các quy định còn bất cập" in task7.title
    # a coordinate cell continued on the next row (task 1)
    assert "Ban Chỉ huy Quân sự" in by_number["1"].coordinate
    assert codes(plan)["count_mismatch"] == 1
    mismatch = next(w for w in plan.warnings if w.code == "count_mismatch")
    assert "IX" in mismatch.message and mismatch.line == 100
    assert plan.meta.date is not None and plan.meta.date.isoformat() == "2026-07-01"
    # footnote text printed between rows is kept with the task above it
    assert any("Mô hình ba tốt" in note for t in plan.tasks for note in t.notes)


def test_seed_001_prose_with_labels():
    plan = read_plan(seed("001"))
    assert len(plan.tasks) == 34
    assert codes(plan)["no_lead"] == 5
    no_lead = [w for w in plan.warnings if w.code == "no_lead"]
    assert [w.line for w in no_lead] == [61, 63, 65, 67, 69]
    task = next(t for t in plan.tasks if t.id == "III.2.2.c")
    assert task.lead == ["Các cơ quan chuyên môn thuộc UBND xã theo từng lĩnh vực phụ trách"]
    assert task.deadline_text == "Giai đoạn 2026- 2030 và các năm tiếp theo"
    # a label whose value is on the next paragraph
    task = next(t for t in plan.tasks if t.id == "III.2.3.b")
    assert task.deadline_text.endswith("Thường xuyên")
    # a heading wrapped onto the next line keeps its whole title
    section = next(s for s in plan.sections if s.id == "III.2.5")
    assert "liệu đầu vào phục vụ hoạt động quản lý nhà nước" in section.title
    assert plan.meta.title.startswith("Triển khai thực hiện Đề án")
    assert plan.meta.place == "Lạc Phượng" and plan.meta.number is None


def test_seed_003_leads_from_other_labels():
    plan = read_plan(seed("003"))
    assert [t.id for t in plan.tasks] == ["II.1", "II.2", "II.3", "II.4", "II.5"]
    assert plan.tasks[1].lead == ["các cơ quan, phòng, ban, đơn vị phường"]  # "Cơ quan thực hiện"
    assert plan.tasks[3].lead == ["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân"]  # tham mưu
    assert plan.tasks[3].deadline_text == "Quý IV năm 2026."
    assert plan.tasks[0].title.endswith(
        "ban hành văn bản chỉ đạo, hướng dẫn, đôn đốc việc thực hiện Đề án"
    )
    meta = plan.meta
    assert (meta.number, meta.place, meta.date.isoformat()) == (
        "143/KH-UBND",
        "An Biên",
        "2026-04-20",
    )
    assert meta.signer == "Nguyễn Hữu Đại"
    assert not plan.warnings


def test_seed_004_body_groups_and_three_appendices():
    plan = read_plan(seed("004"))
    per_part = Counter(t.id.split(".")[0] for t in plan.tasks)
    assert per_part == {"IV": 5, "PL01": 6, "PL02": 6, "PL03": 4}
    assert len(plan.tasks) == 21
    first = plan.tasks[0]
    assert first.lead == ["Phòng Kinh tế, Hạ tầng và Đô thị phường"]
    assert any(d.startswith("- Đẩy mạnh phát triển công nghiệp") for d in first.details)
    appendix_task = next(t for t in plan.tasks if t.id == "PL01.1")
    assert appendix_task.deadline_text == "2025-2030"
    assert any(d.startswith("Hoạt động cụ thể:") for d in appendix_task.details)
    # the "Mô hình" headings name a unit but sit outside the tasks part: reported, not counted
    assert codes(plan)["lead_outside_tasks"] == 3
    assert plan.meta.number == "69/KH-UBND"


def test_body_and_appendix_given_together():
    plan = read_plan(seed("000"), seed("002"))
    assert len(plan.tasks) == 57
    assert plan.meta.place == "An Dương"
    assert plan.meta.title.startswith("Triển khai thực hiện Đề án xây dựng mô hình")
    assert plan.meta.number is None and plan.meta.date is None
    assert "date_only_in_appendix" in codes(plan)


def test_ids_are_stable_and_unique():
    first = [t.id for t in read_plan(*plan_files("txt")).tasks]
    second = [t.id for t in read_plan(*plan_files("txt")).tasks]
    assert first == second and len(set(first)) == len(first)


def test_nothing_lost():
    """Every non-blank source line of every seed ends up somewhere we can point at."""
    for prefix in ["000", "001", "002", "003", "004"]:
        _check_nothing_lost(seed(prefix))


def _check_nothing_lost(path):
    plan = read_plan(path)
    assert "unused_text" not in codes(plan)
    haystack = json.dumps(plan.to_dict(), ensure_ascii=False) + "\n".join(plan.boilerplate)
    import re

    from kehoach_xlsx.parse.blocks import one_line
    from kehoach_xlsx.parse.vocabulary import match_label

    for raw in path.read_text(encoding="utf-8").splitlines():
        for cell in raw.split("\t"):
            text = one_line(cell)
            label = match_label(text)
            if label:
                text = label[1]  # the label itself is structure; its value must be kept
            words = re.findall(r"\w{4,}", text)
            for word in words[:3]:
                assert word in haystack, f"“{word}” of line “{text[:60]}” is lost"


def test_split_units_keeps_names_with_commas():
    assert split_units(
        "Văn phòng HĐND và UBND; Phòng Kinh tế; Phòng Xây dựng, Nông nghiệp và Môi trường."
    ) == [
        "Văn phòng HĐND và UBND",
        "Phòng Kinh tế",
        "Phòng Xây dựng, Nông nghiệp và Môi trường",
    ]
    assert split_units("-Phòng A; - Văn phòng B\n- Trung tâm C.") == [
        "Phòng A",
        "Văn phòng B",
        "Trung tâm C",
    ]
    assert split_units("UBND TP. Hải Phòng") == ["UBND TP. Hải Phòng"]
    assert split_outputs("- Kết luận kiểm tra. - Báo cáo kiểm tra, kiến nghị") == [
        "Kết luận kiểm tra",
        "Báo cáo kiểm tra, kiến nghị",
    ]


def test_markdown_pipe_table_and_nfd(tmp_path):
    import unicodedata

    text = (
        "| STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Rà soát văn bản | Văn phòng HĐND và UBND | Công an phường | Quý IV năm 2026 |\n"
        "| 2 | =Tổng hợp báo cáo | Phòng Kinh tế | | Thường xuyên |\n"
    )
    path = tmp_path / "bang.md"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    plan = read_plan(path)
    assert [t.title for t in plan.tasks] == ["Rà soát văn bản", "=Tổng hợp báo cáo"]
    assert plan.tasks[0].lead == ["Văn phòng HĐND và UBND"]  # NFC again
    assert plan.tasks[0].deadline_text == "Quý IV năm 2026"


def test_bad_input_errors(tmp_path):
    empty = tmp_path / "rong.txt"
    empty.write_text("")
    with pytest.raises(PlanFormatError, match="trống"):
        read_plan(empty)
    garbage = tmp_path / "rac.txt"
    garbage.write_bytes(bytes(range(256)) * 50)
    with pytest.raises(PlanFormatError, match="nhị phân"):
        read_plan(garbage)
    fake = tmp_path / "gia.docx"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("readme.txt", "không phải Word")
    with pytest.raises(PlanFormatError, match="không phải tệp Word"):
        read_plan(fake)
    with pytest.raises(InputFileError, match="Không tìm thấy"):
        read_plan(tmp_path / "khong-co.txt")


def test_huge_text_file_is_refused_quickly(tmp_path):
    import resource
    import time

    big = tmp_path / "lon.txt"
    with big.open("wb") as out:
        out.truncate(100 * 1024 * 1024)  # a sparse 100 MB file: no disk, same size
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(InputFileError, match="quá lớn"):
        read_plan(big)
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024  # KB


def test_cli_json_matches_library():
    runner = CliRunner()
    body, appendix = plan_files("txt")
    result = runner.invoke(main, ["parse", str(body), str(appendix), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == json.loads(
        json.dumps(read_plan(body, appendix).to_dict(), ensure_ascii=False, default=str)
    )
    assert set(data) == {"plan", "sections", "tasks", "warnings"}
    assert set(data["plan"]) >= {"number", "issuer", "place", "date", "title"}
    task = data["tasks"][0]
    assert set(task) >= {
        "id",
        "number",
        "section",
        "title",
        "lead",
        "coordinate",
        "outputs",
        "deadline_text",
        "source",
    }
    assert task["source"]["file"] == body.name and isinstance(task["source"]["line"], int)
    line = body.read_text(encoding="utf-8").splitlines()[task["source"]["line"] - 1]
    assert task["title"][:20] in line  # the source points at the line the task came from


def test_cli_errors_have_no_traceback(tmp_path):
    runner = CliRunner()
    empty = tmp_path / "rong.txt"
    empty.write_text("  \n")
    for args in (["parse", str(empty)], ["parse", str(tmp_path / "khong-co.docx")]):
        result = runner.invoke(main, args)
        assert result.exit_code != 0
        assert "Lỗi:" in result.output
        assert "Traceback" not in result.output


def test_cli_summary_and_workbook(tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "nhiem-vu.xlsx"
    result = CliRunner().invoke(main, ["parse", str(seed("002")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "57 nhiệm vụ" in result.output and "count_mismatch" in result.output
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "Mã NV" and len(rows) == 58


def test_usage_errors_are_vietnamese_with_exit_code_2(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["parse"])
    assert missing.exit_code == 2
    assert "Thiếu tham số FILES." in missing.output and "Cách dùng: kehoach parse" in missing.output
    bad_date = runner.invoke(
        main, ["split", str(tmp_path), "--period", "2026-09", "--due", "30/02/2026"]
    )
    assert bad_date.exit_code == 2
    assert "không phải ngày dạng YYYY-MM-DD" in bad_date.output
    unknown = runner.invoke(main, ["frobnicate"])
    assert unknown.exit_code == 2 and "Không có lệnh frobnicate." in unknown.output
    assert "Traceback" not in missing.output + bad_date.output + unknown.output
