"""Owns the base form: Flask-WTF with CSRF and WTForms' own Simplified Chinese messages."""
import math
import re
from decimal import Decimal, InvalidOperation

from flask import request
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField
from wtforms.fields.choices import SelectChoice

from .errors import render_error


MAX_ID = 2 ** 63 - 1  # the largest number a database integer column holds
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks are fine


class Form(FlaskForm):
    """Every form of the portal. Besides its own validators, each value is screened once, here: a
    number past 64 bits, NaN or Infinity, and a control character in a text are refused with a
    Chinese message before any validator or service sees them."""

    class Meta:
        # WTForms ships zh messages; with WTF_I18N_ENABLED off Flask-WTF uses them without Babel.
        locales = ["zh"]

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        for field in leaf_fields(self):
            screen(field)

    def refuse(self, exc, field=None):
        """Show a service's refusal (a RuleError) on the form: each problem it names beside its field,
        the rest beside `field` (the field the rule is about) or above the form."""
        unplaced = [] if exc.fields else [str(exc)]
        for name, message in exc.fields.items():
            target = self._fields.get(name)
            if target is None:
                unplaced.append(message)
            else:
                target.errors = list(target.errors) + [message]
        target = self._fields.get(field) if field else None
        if target is not None:
            target.errors = list(target.errors) + unplaced
        else:
            self.form_errors.extend(unplaced)


def leaf_fields(form):
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                yield from (leaf_fields(entry.form) if isinstance(entry, FormField) else (entry,))
        elif isinstance(field, FormField):
            yield from leaf_fields(field.form)
        else:
            yield field


def value_problem(value):
    """The Chinese reason a parsed value cannot be stored, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
        return "数值超出范围。"
    if isinstance(value, (Decimal, float)) and not math.isfinite(value):
        return "请输入有效的数字。"
    if isinstance(value, str) and CONTROL.search(value):
        return "内容含有不可见的控制字符，请删除后重试。"
    return None


def screen(field):
    values = field.data if isinstance(field.data, list) else [field.data]
    problem = next((p for p in map(value_problem, values) if p), None)
    if problem:
        if not isinstance(field.data, (str, list)):
            field.data = None  # validators then see "no number", never a NaN they would choke on
        field.process_errors.append(problem)


def error_text(form):
    """All of a form's field errors as one Chinese message."""
    return "；".join(e for errs in form.errors.values() for e in errs)


def choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def int_arg(args, name):
    """A positive number from the query string (or a form), or None: also for one too long to be an
    id, which the database could not even compare."""
    value = args.get(name, "") or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def int_list(values):
    """The ids among submitted values (e.g. request.form.getlist("attendee")); others are dropped."""
    return [int(v) for v in values if v and v.isascii() and v.isdigit() and len(v) <= 18]


def year_arg(args):
    """The `year` of the query string when it is a plausible year, else None."""
    year = int_arg(args, "year")
    return year if year and 2000 <= year <= 2100 else None


def decimal_value(text, places="0.1"):
    """A finite number typed into a form, rounded to `places`, or None when it is not one: "NaN" and
    "Infinity" parse as Decimals but are no score, and comparing a NaN raises."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    try:
        return value.quantize(Decimal(places))
    except InvalidOperation:  # more digits than the context holds, e.g. "1e40"
        return None


def init_app(app):
    @app.before_request
    def _refuse_control_characters():
        """No text a user sends may hold a control character (a NUL cannot even be stored in
        PostgreSQL): the request is refused with a Chinese message before any view runs, for forms
        whether or not they are WTForms."""
        values = [v for _, v in request.form.items(multi=True)] + [v for _, v in request.args.items(multi=True)]
        if any(CONTROL.search(v) for v in values):
            return render_error(422, "内容无效", "提交的内容含有不可见的控制字符，请删除后重试。")
        return None
