"""The organisation's printables: the leading group's notice, meeting minutes (会议纪要) and duty rosters,
all in the official layout through portal/pdf.py, and the roster as an Excel sheet. The archive asks
these functions for the documents this module owns."""
from .. import clock, pdf
from ..excel import Column, Sheet
from . import services

BUREAU = "县商务局"


def ymd(d):
    return f"{d.year}年{d.month}月{d.day}日"


def _issuer(unit):
    """The issuing body's name: the bureau for its own groups, else the unit."""
    return BUREAU if unit.level <= 1 else unit.name


def group_notice(group, day):
    """关于调整…领导小组成员及分工的通知, as the group stood on `day`."""
    members = services.members_on(group, day)
    # The notice takes effect on the group's last change up to the day, and is dated so.
    since = max([m.start_date for m in members] + [group.established_on]) if members else group.established_on
    return pdf.render("governance/pdf/notice.html", group=group, day=since, members=members, ymd=ymd,
                      issuer=_issuer(group.unit), in_charge=[m for m in members if m.in_charge])


def minutes(meeting):
    """会议纪要 of one meeting, with its decisions and their owners."""
    return pdf.render("governance/pdf/minutes.html", m=meeting, decisions=services.decisions_of(meeting), ymd=ymd,
                      issuer=_issuer(meeting.body.unit))


def roster(roster):
    """A duty roster (节假日值班表 or 日常值班表) in the official layout."""
    return pdf.render("governance/pdf/roster.html", r=roster, shifts=services.shifts_of(roster), ymd=ymd,
                      issuer=_issuer(roster.unit), today=clock.today())


def roster_sheet(roster):
    weekdays = "一二三四五六日"
    return Sheet(roster.title[:31], [
        Column("日期", lambda s: s.day, 12, "yyyy-mm-dd"), Column("星期", lambda s: "星期" + weekdays[s.day.weekday()], 8),
        Column("值班人员", lambda s: s.person, 14), Column("带班领导", lambda s: s.leader, 14),
        Column("值班电话", lambda s: s.phone, 16)], services.shifts_of(roster))


def contents(title, unit, year, groups):
    """The archive's contents page (目录): [(group, [(number, title, filename)])], in archive order."""
    return pdf.render("governance/pdf/contents.html", title=title, unit=unit, year=year, groups=groups,
                      issuer=BUREAU if unit is None or unit.level <= 1 else unit.name, today=clock.today(), ymd=ymd)

