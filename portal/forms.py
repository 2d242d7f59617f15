"""Owns the base form: Flask-WTF with CSRF and WTForms' own Simplified Chinese messages."""
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


class Form(FlaskForm):
    class Meta:
        # WTForms ships zh messages; with WTF_I18N_ENABLED off Flask-WTF uses them without Babel.
        locales = ["zh"]


def error_text(form):
    """All of a form's field errors as one Chinese message."""
    return "；".join(e for errs in form.errors.values() for e in errs)


def choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def int_arg(args, name):
    """A positive number from the query string, or None: also for one too long to be an id, which
    the database could not even compare."""
    value = args.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 9 else None


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
