"""Owns the modules' editable category lists (信访问题类别, 重点人员类别, 纠纷类别): one model shape, one
service (listed in order; added, renamed, switched off and on, never deleted; audited) and one page,
declared once per module:

    CATEGORIES = CategoryList(PetitionCategory, "petitions.manage", "petition", "信访问题类别",
                              "petitions.categories")          # services.py
    CATEGORIES.add_routes(bp, nav="petitions/_nav.html")        # views.py: /categories, /categories/<id>/toggle
"""
from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from peewee import fn
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from . import audit, htmx
from .access import can, permission
from .db import database
from .forms import Form
from .models.base import NAME_LENGTH, Category  # noqa: F401 (the model shape of every list)
from .workflow import RuleError

class CategoryForm(Form):
    name = StringField("类别名称", validators=[DataRequired("请填写类别名称。"), Length(max=NAME_LENGTH)])


@dataclass(frozen=True)
class CategoryList:
    """One module's list: its model (a Category), who maintains it, the audit object type its changes are
    recorded under, its name on the page, and the endpoint of its page."""

    model: type
    permission: str
    object_type: str
    noun: str
    endpoint: str
    note: str = "已使用的类别不能删除，可停用；停用后登记时不再可选，统计中仍保留。"

    def all(self, include_inactive=False):
        """The list in its order (only the active entries unless asked)."""
        query = self.model.select().order_by(self.model.seq, self.model.id)
        return list(query if include_inactive else query.where(self.model.active == True))  # noqa: E712

    def save(self, category, name, user, active=True):
        """Add (category None) or rename and switch on/off an entry; audited."""
        if not can(self.permission, user):
            raise RuleError(f"只有股室工作人员可以维护{self.noun}。")
        name = (name or "").strip()
        if not name:
            raise RuleError("请填写类别名称。")
        if len(name) > NAME_LENGTH:
            raise RuleError(f"类别名称不超过 {NAME_LENGTH} 个字。")
        clash = self.model.get_or_none(self.model.name == name)
        if clash is not None and (category is None or clash.id != category.id):
            raise RuleError(f"已有类别“{name}”。")
        with database.atomic():
            if category is None:
                seq = (self.model.select(fn.MAX(self.model.seq)).scalar() or 0) + 1
                category = self.model.create(name=name, seq=seq, active=active)
            else:
                self.model.update(name=name, active=active).where(self.model.id == category.id).execute()
                category.name, category.active = name, active
            audit.record("update", self.object_type, None, actor=user,
                         summary=f"{self.noun}“{name}”{'启用' if active else '停用'}")
        return category

    def add_routes(self, bp, nav=None, crumbs=None):
        """The list's page (`/categories`: the entries and a form to add one) and its switch
        (`/categories/<id>/toggle`) on the module's blueprint, as `<bp>.categories` and
        `<bp>.category_toggle`. `nav`: the module's tab bar template; `crumbs`: (label, endpoint) above
        the heading instead."""

        @permission(self.permission)
        def categories():
            """The editable category list; an entry in use is switched off, never deleted."""
            form = CategoryForm()
            if form.validate_on_submit():
                try:
                    self.save(None, form.name.data, current_user._get_current_object())
                except RuleError as exc:
                    form.form_errors.append(str(exc))
                else:
                    flash(f"已添加类别“{form.name.data.strip()}”。", "success")
                    return redirect(url_for(self.endpoint))
            return htmx.render("_categories.html", form=form, rows=self.all(True), listing=self, nav=nav,
                               crumbs=crumbs, status=422 if request.method == "POST" else 200)

        @permission(self.permission)
        def category_toggle(category_id):
            """Switch an entry off (no longer offered) or on again."""
            category = self.model.get_or_none(self.model.id == category_id) or abort(404)
            self.save(category, category.name, current_user._get_current_object(), active=not category.active)
            flash(f"已{'启用' if category.active else '停用'}类别“{category.name}”。", "success")
            return redirect(url_for(self.endpoint))

        bp.add_url_rule("/categories", "categories", categories, methods=["GET", "POST"])
        bp.add_url_rule("/categories/<int:category_id>/toggle", "category_toggle", category_toggle, methods=["POST"])
