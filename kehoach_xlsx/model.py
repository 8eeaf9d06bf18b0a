"""Plain data objects shared by every part of kehoach_xlsx.

Glossary: Plan = kế hoạch, Task = nhiệm vụ, Unit = cơ quan/đơn vị,
lead/coordinate = chủ trì/phối hợp, output = sản phẩm đầu ra.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal


@dataclass
class Source:
    """Where a piece of a plan came from: file name and 1-based line (or block) number."""

    file: str
    line: int | None = None
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "line": self.line}
        if self.sheet is not None:
            data["sheet"] = self.sheet
        return data


@dataclass
class PlanWarning:
    """A doubt about the input, shown to the coordinator (code is stable, message Vietnamese)."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
        }
        if self.sheet is not None:
            data["sheet"] = self.sheet
        return data


@dataclass
class Section:
    """A heading or group row of the plan (A, B, I, II, 2.1 …) with the text under it."""

    id: str
    number: str | None
    title: str
    declared_count: int | None = None
    parent: str | None = None
    text: list[str] = field(default_factory=list)
    source: Source | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "declared_count": self.declared_count,
            "parent": self.parent,
            "text": list(self.text),
            "source": self.source.to_dict() if self.source else None,
        }


@dataclass
class Task:
    """One assignment of the plan: what to do, who leads, who helps, what output, by when."""

    id: str
    number: str | None
    section: str | None
    title: str
    lead: list[str] = field(default_factory=list)
    coordinate: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    deadline_text: str = ""
    source: Source | None = None
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "section": self.section,
            "title": self.title,
            "lead": list(self.lead),
            "coordinate": list(self.coordinate),
            "outputs": list(self.outputs),
            "deadline_text": self.deadline_text,
            "source": self.source.to_dict() if self.source else None,
            "details": list(self.details),
            "notes": list(self.notes),
        }


@dataclass
class PlanMeta:
    """The plan's identity as printed in its header: "Số: 143/KH-UBND", place, date, title."""

    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    date: date | None = None
    title: str | None = None
    grounds: list[str] = field(default_factory=list)
    signer: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "issuer": self.issuer,
            "place": self.place,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "grounds": list(self.grounds),
            "signer": self.signer,
        }


@dataclass
class Plan:
    """A whole plan (body and appendices, maybe from several files) as read from its documents."""

    meta: PlanMeta = field(default_factory=PlanMeta)
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The `kehoach parse --json` contract."""
        return {
            "plan": self.meta.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "tasks": [t.to_dict() for t in self.tasks],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_frame(self):
        """The tasks as a pandas DataFrame (kehoach_xlsx.analysis; pandas loaded only here)."""
        from kehoach_xlsx.analysis import plan_frame

        return plan_frame(self)

    def task(self, task_id: str) -> Task | None:
        for task in self.tasks:
            if task.id == task_id:
                return task
        return None


ScheduleKind = Literal[
    "once",
    "weekly",
    "monthly",
    "quarterly",
    "half_yearly",
    "yearly",
    "continuous",
    "span",
    "relative",
    "event",
    "unknown",
]


@dataclass(frozen=True)
class Unit:
    """One reporting unit of the ward/commune as kept in the registry sheet "Đơn vị"."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    email: str = ""
    contact: str = ""
    phone: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
