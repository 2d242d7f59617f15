"""Urgency (红黄蓝牌), computed in one place from dates and never stored."""
from dataclasses import dataclass
from typing import Optional

from flask import current_app, has_app_context

from .. import clock
from . import registry

LABELS = {"red": "红牌", "yellow": "黄牌", "blue": "蓝牌", "normal": "正常", "reported": "待销号", "closed": "已销号",
          "expired": "已截止"}
# Most pressing first; lists sort by this.
SEVERITY = {"red": 0, "yellow": 1, "blue": 2, "reported": 3, "normal": 4, "closed": 5, "expired": 6}


@dataclass(frozen=True)
class Urgency:
    colour: str
    days_left: Optional[int]
    reason: str = ""

    @property
    def label(self):
        return LABELS[self.colour]

    @property
    def severity(self):
        return SEVERITY[self.colour]

    @property
    def countdown(self):
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return f"逾期 {-self.days_left} 天"
        if self.days_left == 0:
            return "今天到期"
        return f"剩 {self.days_left} 天"


def _setting(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def urgency(item, today=None):
    """The colour of an item on a calendar day (Asia/Shanghai).

    红 overdue; 黄 behind: not acknowledged within ACK days of assignment, or more than two thirds
    of the time gone without a progress report; 蓝 due within BLUE days; otherwise 正常.
    """
    today = today or clock.today()
    if item.state == "closed":
        return Urgency("closed", None)
    days_left = (item.due_date - today).days
    if item.state == "reported":
        return Urgency("reported", days_left, "已提交办结报告，等待销号")
    if days_left < 0:
        return Urgency("red", days_left, f"已超过办理期限 {-days_left} 天")
    source = registry.TYPES.get(item.source_type)
    if source is not None and source.module_driven:
        # Done inside a module (e.g. signing): no acknowledgement or progress reports to be behind on.
        return _blue_or_normal(days_left)
    ack_days = _setting("SUPERVISION_ACK_DAYS", 2)
    if item.acknowledged_at is None and (today - item.start_date).days > ack_days:
        return Urgency("yellow", days_left, f"交办超过 {ack_days} 天仍未签收")
    total, elapsed = (item.due_date - item.start_date).days, (today - item.start_date).days
    if item.last_progress_at is None and total > 0 and elapsed * 3 > total * 2:
        return Urgency("yellow", days_left, "办理时间已过三分之二，仍无进展报告")
    return _blue_or_normal(days_left)


def _blue_or_normal(days_left):
    if days_left <= _setting("SUPERVISION_BLUE_DAYS", 3):
        return Urgency("blue", days_left, f"距期限还有 {days_left} 天" if days_left else "今天到期")
    return Urgency("normal", days_left)


def window(due_date, today=None):
    """A right that lapses (e.g. an appeal window): 蓝 in its last days, 已截止 once passed — never 红,
    because nobody is late when an optional right goes unused."""
    today = today or clock.today()
    days_left = (due_date - today).days
    if days_left < 0:
        return Urgency("expired", None, f"已于 {due_date} 截止")
    return _blue_or_normal(days_left)


def deadline(due_date, start_date=None, today=None):
    """A duty with a statutory limit kept on a module's own record (e.g. a petition's 15-day acceptance):
    红 once passed, 蓝 in its last days, 黄 when more than two thirds of the time is gone, else 正常."""
    today = today or clock.today()
    days_left = (due_date - today).days
    if days_left < 0:
        return Urgency("red", days_left, f"已超过期限 {-days_left} 天")
    if days_left <= _setting("SUPERVISION_BLUE_DAYS", 3):
        return _blue_or_normal(days_left)
    if start_date is not None:
        total, elapsed = (due_date - start_date).days, (today - start_date).days
        if total > 0 and elapsed * 3 > total * 2:
            return Urgency("yellow", days_left, "期限已过三分之二")
    return Urgency("normal", days_left)
