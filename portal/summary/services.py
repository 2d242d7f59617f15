"""Rules of the saved summaries: who may draft which scope, the draft's states (on the one Workflow),
paragraph saves that never silently overwrite another clerk's, versions and their paragraph-level
diff, and "刷新数据" (refresh figures) which redrafts untouched paragraphs and flags edited ones."""
import difflib
import json
from dataclasses import dataclass, field

from peewee import IntegrityError

from .. import audit, clock
from ..access import can, sees_everything
from ..db import database
from ..models.org import Unit
from ..models.summary import DRAFT_STATES, SummaryDraft, SummaryVersion
from ..models.users import User
from ..workflow import OPTIONAL, STALE, RuleError, Transition, Workflow, parse_version, versioned_update
from . import compose as composer
from .figures import Figure, collect, show

audit.register_object_type("summary", "年度总结")
audit.register_actions({"finalise": "定稿", "reopen": "退回修改", "refresh": "刷新数据"})

# The longest paragraph a clerk may save (a page of the printed summary holds about 600 characters).
MAX_PARAGRAPH = 5000
FIRST_YEAR, LAST_YEAR = 2000, 2100


def drafter(user, draft):
    """A draft is written by the bureau's staff for any scope, by a unit's own people for their unit's."""
    return sees_everything(user) or user.unit_id == draft.unit_id


WORKFLOW = Workflow(SummaryDraft, "summary", noun="该总结", states=DRAFT_STATES, scopes={"drafter": drafter},
                    scope_messages={"drafter": "只能{label}本单位的{noun}。"}, transitions={
    # Finishing the text is the drafter's own decision; nobody waits on it.
    "finalise": Transition("定稿", ("draft",), "final", "summary.finalise", scope="drafter", todo=OPTIONAL,
                           confirm="定稿后文字不能再修改；如需修改，可退回草稿。"),
    "reopen": Transition("退回修改", ("final",), "draft", "summary.finalise", scope="drafter", todo=OPTIONAL),
})


class Conflict(RuleError):
    """Another clerk saved the same paragraph since the page was loaded: the latest text travels along,
    so the page shows it beside what this clerk typed (which is kept, never lost)."""

    def __init__(self, message, current_text, version):
        super().__init__(message, fields={"text": message})
        self.current_text, self.version = current_text, version


# -- scope ----------------------------------------------------------------------------------------

def is_scope(unit):
    """The units a summary can be drafted for by the bureau: the bureau itself or a second-level body."""
    return unit.parent_id is None or (unit.level == 2 and unit.is_body)


def scope_choices(user):
    """(unit id, name) of the scopes this user may draft: the bureau's staff the bureau and each
    second-level body, a unit's people only their own unit."""
    if not can("summary.draft", user):
        return []
    if not sees_everything(user):
        return [(user.unit.id, user.unit.name)]
    units = (Unit.select().where(Unit.active == True, Unit.parent.is_null() | ((Unit.level == 2) & Unit.bodies()))  # noqa: E712
             .order_by(Unit.level, Unit.sort_order, Unit.id))
    return [(u.id, u.name) for u in units]


def scope_problem(user, unit):
    if not can("summary.draft", user):
        return "您的角色不能起草总结。"
    if unit is None:
        return "请选择总结范围。"
    if sees_everything(user):
        return None if is_scope(unit) else "总结范围只能是全局或一个二级机构。"
    return None if unit.id == user.unit_id else "只能起草本单位的总结。"


def default_year():
    """The year a summary is written for now: this year from July on, last year before (early in a year
    the office still writes up the one that ended)."""
    today = clock.today()
    return today.year if today.month >= 7 else today.year - 1


def year_problem(year):
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return f"请填写 {FIRST_YEAR}—{LAST_YEAR} 之间的年度。"
    return None


def edit_refusal(user, draft):
    """None when the user may change the draft's text now, else the Chinese reason."""
    if not can("summary.draft", user):
        return "您的角色不能修改总结。"
    if not drafter(user, draft):
        return "只能修改本单位的总结。"
    if draft.state != "draft":
        return "总结已定稿，不能修改；如需修改，请先退回草稿。"
    return None


def may(user, draft):
    return {"edit": edit_refusal(user, draft) is None, **WORKFLOW.may(user, draft)}


# -- the document as saved ------------------------------------------------------------------------

def snapshot(figures):
    """{key: Figure.as_dict()} as it reads back from JSON (tuples become lists), so values compare."""
    return json.loads(json.dumps({key: figure.as_dict() for key, figure in figures.items()}, ensure_ascii=False))


def figures_of(data):
    """The Figures of a saved snapshot."""
    names = set(Figure.__dataclass_fields__)
    return {key: Figure(**{k: v for k, v in value.items() if k in names}) for key, value in data.items()}


def serialise(sections):
    return [{"number": s.number, "title": s.title,
             "paragraphs": [{"id": p.id, "text": p.text, "keys": list(p.keys), "flags": []} for p in s.paragraphs]}
            for s in sections]


def draft_text(year, unit, figures):
    """compose() of these figures, as saved."""
    return serialise(composer.compose(year, unit, figures))


def by_id(sections):
    return {p["id"]: p for s in sections for p in s["paragraphs"]}


def where(sections, pid):
    """(section, 1-based place) of a paragraph, or (None, 0)."""
    for section in sections:
        for i, p in enumerate(section["paragraphs"], 1):
            if p["id"] == pid:
                return section, i
    return None, 0


def current(draft):
    """The latest saved version of a draft."""
    return SummaryVersion.get((SummaryVersion.draft == draft.id) & (SummaryVersion.number == draft.revision))


def version_of(draft, number):
    return SummaryVersion.get_or_none((SummaryVersion.draft == draft.id) & (SummaryVersion.number == number))


def _new_version(draft, user, sections, figures, note, version, action, summary):
    """Store the whole text as the next version, version-checked, with its audit row (inside a transaction)."""
    number = draft.revision + 1
    versioned_update(draft, version, revision=number, updated_by=user.id, updated_at=clock.now())
    SummaryVersion.create(draft=draft.id, number=number, sections=json.dumps(sections, ensure_ascii=False),
                          figures=json.dumps(figures, ensure_ascii=False), note=note[:255], created_by=user.id)
    audit.record(action, "summary", draft.id, unit=draft.unit_id, actor=user, summary=f"{summary}（第{number}版）"[:255])
    return number


# -- creating and saving --------------------------------------------------------------------------

def existing(year, unit):
    return SummaryDraft.get_or_none((SummaryDraft.year == year) & (SummaryDraft.unit == unit.id))


def create(year, unit, user):
    """A new draft of `year` for `unit`'s subtree, written from the figures as they stand now (version 1)."""
    problems = {"year": year_problem(year), "unit": scope_problem(user, unit)}
    if any(problems.values()):
        raise RuleError("；".join(p for p in problems.values() if p), fields={k: v for k, v in problems.items() if v})
    if existing(year, unit):
        raise RuleError(f"{unit.name}{year}年度的总结已经存在。", fields={"year": "该年度该范围的总结已经存在。"})
    figures = collect(year, unit)
    sections = draft_text(year, unit, figures)
    try:
        with database.atomic():
            draft = SummaryDraft.create(unit=unit.id, year=year, title=composer.title(year, unit), created_by=user.id,
                                        updated_by=user.id)
            _new_version(draft, user, sections, snapshot(figures), f"起草（据 {len(figures)} 项数据）", draft.version,
                         "create", f"起草{draft.title}")
    except IntegrityError:
        raise RuleError(f"{unit.name}{year}年度的总结已经存在。") from None
    return draft


def clean_text(text):
    """A paragraph as typed: line ends normalised, blank lines and outer spaces dropped."""
    lines = [line.strip() for line in str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _typed(user, draft, text):
    """A paragraph's typed text, cleaned, once the user may edit the draft and it fits a paragraph."""
    problem = edit_refusal(user, draft)
    if problem:
        raise RuleError(problem)
    text = clean_text(text)
    if len(text) > MAX_PARAGRAPH:
        raise RuleError(f"一段不能超过 {MAX_PARAGRAPH} 字（现 {len(text)} 字），请分段。", fields={"text": "段落过长。"})
    return text


def save_paragraph(draft, pid, text, base, user):
    """Save one paragraph typed on a page loaded at version `base` (the draft's revision then). Refused
    with Conflict when someone else changed this paragraph since; returns the new revision, or None
    when the text is unchanged."""
    text = _typed(user, draft, text)
    base = parse_version(base)
    with database.atomic():
        draft = SummaryDraft.get_by_id(draft.id)
        latest = current(draft)
        sections = latest.section_data
        section, place = where(sections, pid)
        if section is None:
            raise RuleError("该段落已不存在（可能在刷新数据时被删除），请刷新页面。")
        paragraph = section["paragraphs"][place - 1]
        if base != draft.revision:
            earlier = version_of(draft, base) if base < draft.revision else None
            before = by_id(earlier.section_data).get(pid) if earlier else None
            if before is None or before["text"] != paragraph["text"]:
                who = latest.created_by.display_name
                raise Conflict(f"该段已被{who}于 {clock.format_local(latest.created_at)} 修改（第{latest.number}版），"
                               "您的修改尚未保存。您输入的文字仍在框中，请对照下方最新内容修改后再保存。",
                               paragraph["text"], draft.revision)
        if paragraph["text"] == text and not paragraph.get("flags"):
            return None
        paragraph["text"], paragraph["flags"] = text, []
        where_ = f"{section['number']}、第{place}段"
        return _new_version(draft, user, sections, latest.figure_data, f"修改 {where_}", draft.version, "update",
                            f"修改{where_}")


def add_paragraph(draft, number, text, user):
    """A paragraph of the clerk's own at the end of part `number` (一 … 四)."""
    text = _typed(user, draft, text)
    if not text:
        raise RuleError("请填写段落内容。", fields={"text": "请填写段落内容。"})
    with database.atomic():
        draft = SummaryDraft.get_by_id(draft.id)
        latest = current(draft)
        sections = latest.section_data
        section = next((s for s in sections if s["number"] == number), None)
        if section is None:
            raise RuleError("请选择要添加段落的部分。")
        ids = by_id(sections)
        n = 1
        while f"own.{n}" in ids:
            n += 1
        section["paragraphs"].append({"id": f"own.{n}", "text": text, "keys": [], "flags": []})
        where_ = f"{number}、第{len(section['paragraphs'])}段"
        return _new_version(draft, user, sections, latest.figure_data, f"添加 {where_}", draft.version, "update",
                            f"添加{where_}")


def act(draft, action, user, version):
    """定稿 or 退回修改."""
    return WORKFLOW.move(draft, action, user, version, summary=draft.title)


# -- refresh figures ------------------------------------------------------------------------------

@dataclass
class Refresh:
    """What "刷新数据" would do to a draft: the figures that changed, and the text it would save."""

    changed: list  # [{"key", "label", "old", "new", "unit", "url"}]
    sections: list
    figures: dict
    redrafted: list = field(default_factory=list)  # ids of untouched paragraphs given the new text
    flagged: list = field(default_factory=list)  # ids of edited paragraphs whose figures changed
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def empty(self):
        return not (self.changed or self.redrafted or self.flagged or self.added or self.removed)

    def note(self):
        parts = [f"{len(self.changed)} 项数据变化"]
        for label, ids in (("重写", self.redrafted), ("标记", self.flagged), ("新增", self.added), ("删除", self.removed)):
            if ids:
                parts.append(f"{label} {len(ids)} 段")
        return "刷新数据：" + "，".join(parts)


def figure_changes(old, new):
    """The figures whose value differs between two snapshots (appeared and vanished ones included)."""
    changes = []
    for key in list(new) + [k for k in old if k not in new]:
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before.get("value") == after.get("value"):
            continue
        ref = after or before
        changes.append({"key": key, "label": ref.get("label", key), "unit": ref.get("unit", ""), "url": ref.get("url", ""),
                        "old": show(before["value"]) if before else "—",
                        "new": show(after["value"]) if after else "—"})
    return changes


def plan_refresh(draft):
    """Recompute the figures and compose; merge with the saved text: a paragraph whose text is still
    what compose wrote from the saved snapshot takes the new text, an edited one keeps the clerk's text
    and is flagged with its changed figures, new paragraphs come in where compose puts them."""
    latest = current(draft)
    old_figures = latest.figure_data
    figures = collect(draft.year, draft.unit)
    new_figures = snapshot(figures)
    changed = figure_changes(old_figures, new_figures)
    changed_by_key = {c["key"]: c for c in changed}
    machine = by_id(draft_text(draft.year, draft.unit, figures_of(old_figures)))
    fresh = draft_text(draft.year, draft.unit, figures)
    saved = latest.section_data
    plan = Refresh(changed, [], new_figures)
    saved_by_number = {s["number"]: s for s in saved}
    for section in fresh:
        old_paragraphs = saved_by_number.get(section["number"], {"paragraphs": []})["paragraphs"]
        old_by_id = {p["id"]: p for p in old_paragraphs}
        merged = []
        for new in section["paragraphs"]:
            old = old_by_id.get(new["id"])
            if old is None:
                plan.added.append(new["id"])
                merged.append(new)
            elif _untouched(old, machine):
                if old["text"] != new["text"]:
                    plan.redrafted.append(new["id"])
                merged.append(new)
            else:
                merged.append(_flag(old, set(old["keys"]) | set(new["keys"]), changed_by_key, plan))
        # Paragraphs compose no longer writes: gone when untouched, kept (in their place) when edited.
        kept_ids = {p["id"] for p in merged}
        for i, old in enumerate(old_paragraphs):
            if old["id"] in kept_ids:
                continue
            if _untouched(old, machine):
                plan.removed.append(old["id"])
                continue
            before = [p["id"] for p in old_paragraphs[:i] if p["id"] in kept_ids]
            at = next((j + 1 for j, p in enumerate(merged) if before and p["id"] == before[-1]), 0)
            merged.insert(at, _flag(old, set(old["keys"]), changed_by_key, plan))
            kept_ids.add(old["id"])
        plan.sections.append({**section, "paragraphs": merged})
    known = {s["number"] for s in fresh}
    plan.sections += [s for s in saved if s["number"] not in known]
    return plan


def _untouched(paragraph, machine):
    drafted = machine.get(paragraph["id"])
    return drafted is not None and paragraph["text"] == drafted["text"] and not paragraph.get("flags")


def _flag(paragraph, keys, changed_by_key, plan):
    hits = [changed_by_key[k] for k in sorted(keys) if k in changed_by_key]
    if not hits:
        return paragraph
    flags = {f["key"]: f for f in paragraph.get("flags", [])}
    for hit in hits:
        flags[hit["key"]] = {**hit, "old": flags[hit["key"]]["old"]} if hit["key"] in flags else hit
    plan.flagged.append(paragraph["id"])
    return {**paragraph, "flags": list(flags.values())}


def refresh(draft, user, version):
    """Apply "刷新数据" as a new version; returns the Refresh (empty when nothing changed: no version)."""
    problem = edit_refusal(user, draft)
    if problem:
        raise RuleError(problem)
    version = parse_version(version)
    with database.atomic():
        draft = SummaryDraft.get_by_id(draft.id)
        if version != draft.version:
            raise RuleError(STALE)
        plan = plan_refresh(draft)
        if plan.empty:
            return plan
        _new_version(draft, user, plan.sections, plan.figures, plan.note(), version, "refresh", plan.note())
    return plan


# -- history --------------------------------------------------------------------------------------

@dataclass
class Change:
    """One paragraph's change between two versions: added, removed or changed (with inline segments)."""

    kind: str
    section: str
    place: int
    text: str = ""
    segments: list = field(default_factory=list)  # [(op, text)] op in equal/insert/delete


def diff(old_sections, new_sections):
    """Paragraph-level changes from one version's text to another's, in document order."""
    changes = []
    old_by_number = {s["number"]: s for s in old_sections}
    for section in new_sections:
        heading = f"{section['number']}、{section['title']}"
        old = old_by_number.pop(section["number"], {"paragraphs": []})["paragraphs"]
        new = section["paragraphs"]
        matcher = difflib.SequenceMatcher(a=[p["id"] for p in old], b=[p["id"] for p in new], autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                for i, j in zip(range(a0, a1), range(b0, b1)):
                    if old[i]["text"] != new[j]["text"]:
                        changes.append(Change("changed", heading, j + 1, new[j]["text"],
                                              inline(old[i]["text"], new[j]["text"])))
                continue
            for i in range(a0, a1):
                changes.append(Change("removed", heading, i + 1, old[i]["text"]))
            for j in range(b0, b1):
                changes.append(Change("added", heading, j + 1, new[j]["text"]))
    for section in old_by_number.values():
        for i, p in enumerate(section["paragraphs"], 1):
            changes.append(Change("removed", f"{section['number']}、{section['title']}", i, p["text"]))
    return changes


def inline(old, new):
    """Character-level segments of a changed paragraph: what stayed, what was deleted, what was typed."""
    segments = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", new[b0:b1]))
        else:
            if a1 > a0:
                segments.append(("delete", old[a0:a1]))
            if b1 > b0:
                segments.append(("insert", new[b0:b1]))
    return segments


# -- lists ----------------------------------------------------------------------------------------

def drafts(user, year=None):
    """The drafts the user may see, newest year first, with their scope unit and last editor."""
    editor = User.alias()
    query = (SummaryDraft.visible_to(user, SummaryDraft, Unit, editor)
             .join(Unit, on=(SummaryDraft.unit == Unit.id))
             .switch(SummaryDraft).join(editor, on=(SummaryDraft.updated_by == editor.id), attr="editor"))
    if year:
        query = query.where(SummaryDraft.year == year)
    return query.order_by(SummaryDraft.year.desc(), Unit.level, Unit.sort_order, SummaryDraft.id)


def versions(draft):
    """A draft's versions, newest first, with who saved each."""
    return (SummaryVersion.select(SummaryVersion.id, SummaryVersion.number, SummaryVersion.note,
                                  SummaryVersion.created_at, User)
            .join(User, on=(SummaryVersion.created_by == User.id))
            .where(SummaryVersion.draft == draft.id).order_by(SummaryVersion.number.desc()))
