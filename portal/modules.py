"""Owns the list of feature modules and the manifest each declares about itself.

A feature package declares itself once, in its `__init__.py`:

    bp = Blueprint("veto", __name__, url_prefix="/veto")
    module = Module("veto", "一票否决", blueprint=bp,
                    permissions={"veto.view": ALL_ROLES, "veto.decide": {"leader"}},
                    settings={"VETO_APPEAL_DAYS": 15},
                    nav=[Nav("veto.index", "一票否决", "veto.view", order=30)],
                    models="portal.models.veto", demo="portal.veto.demo")
    from . import views

and the app, the migrations check, the demo and the access matrix iterate the manifests. Adding a
module is its folder, its migration, its templates and one line in MODULES below.
"""
import importlib
from dataclasses import dataclass, field
from typing import Optional

from peewee import Model

from .permissions import declare

# The one central list: packages under portal/, in the order their menus, cards and demo come.
MODULES = ["auth", "dashboard", "inbox", "supervision", "agreements", "veto", "inspections", "legal", "petitions",
           "disputes", "keypersons", "governance", "summary",
           "units", "users", "auditlog", "attachments"]


@dataclass(frozen=True)
class Nav:
    """A menu entry: the endpoint, its label, the permission that shows it, its place."""

    endpoint: str
    label: str
    permission: str
    order: int


@dataclass
class Module:
    """What one feature package is: its blueprint, the permissions it adds to the one table, its
    models, setting defaults, demo data, menu entries and the extension points it fills."""

    name: str
    label: str
    blueprint: object = None
    # permission name -> roles; merged into permissions.PERMISSIONS, the one table of who may do what.
    permissions: dict = field(default_factory=dict)
    # Setting defaults (overridable in instance/config.py), e.g. {"VETO_APPEAL_DAYS": 15}.
    settings: dict = field(default_factory=dict)
    nav: list = field(default_factory=list)
    # Dotted name of the module(s) holding the package's peewee models.
    models: tuple = ()
    # Dotted name of a module with `seed() -> int` (idempotent demo records) and
    # `outside(ctx) -> dict` (out-of-scope records and URL values for the access matrix).
    demo: Optional[str] = None
    # Filled by the package through the decorators below.
    cards: list = field(default_factory=list)
    unit_panels: list = field(default_factory=list)
    todo_providers: list = field(default_factory=list)
    todo_counters: list = field(default_factory=list)
    item_types: list = field(default_factory=list)
    daily_jobs: list = field(default_factory=list)
    year_figures: list = field(default_factory=list)

    def __post_init__(self):
        if isinstance(self.models, str):
            self.models = (self.models,)
        declare(self.permissions)

    def card(self, fn):
        """A dashboard card: fn(user, year) -> dict(title, value, note, url) or None to hide it; `year` is
        the year the dashboard shows (this year unless the user switched), so every card shows the same."""
        self.cards.append(fn)
        return fn

    def unit_panel(self, fn):
        """A section of a unit's page: fn(unit, user) -> (template, context) or None."""
        self.unit_panels.append(fn)
        return fn

    def todo(self, fn):
        """A to-do provider: fn(user, limit=None) -> [Todo] for work waiting on the user outside supervised
        items, in 待办's order (supervision.services.todo_sort_key: colour, then date); given `limit`, only
        the first `limit` of them, limited in SQL (the 待办 page merges each provider's first rows).
        Its key, which workflow transitions name in `todo=`, is "<module>.<function name without a
        leading underscore>"; give it `fn.count = counter(user) -> int` (one COUNT query) for the nav badge."""
        fn.todo_key = f"{self.name}.{fn.__name__.lstrip('_')}"
        self.todo_providers.append(fn)
        return fn

    def daily(self, fn):
        """A job of the daily run (`flask --app portal remind`, from cron), before the reminders are sent:
        fn() -> a line saying what it did (e.g. the supervised items of screening reports now owed)."""
        self.daily_jobs.append(fn)
        return fn

    def figures(self, fn):
        """The module's figures of a year for the year-end summary and the leaders' year view:
        fn(year, unit) -> iterable of portal.summary.figures.Figure, counted over `unit`'s subtree (the
        bureau's root unit for the whole bureau), each an aggregate query, so the cost does not grow
        with the records."""
        self.year_figures.append(fn)
        return fn

    def item_type(self, source_type):
        """A supervised item type (督办) of this module, registered with the supervision core."""
        # The supervision package is itself a module declaring a manifest: its registry is imported
        # when the first item type is declared, not when this file is.
        from .supervision import registry

        self.item_types.append(source_type)
        return registry.register(source_type)

    def model_classes(self):
        found = []
        for dotted in self.models:
            mod = importlib.import_module(dotted)
            for obj in vars(mod).values():
                if is_table(obj) and obj.__module__ == mod.__name__:
                    found.append(obj)
        return found

    def demo_module(self):
        return importlib.import_module(self.demo) if self.demo else None


def is_table(obj):
    """A concrete peewee model (bases of models say `__abstract__ = True`)."""
    return isinstance(obj, type) and issubclass(obj, Model) and not obj.__dict__.get("__abstract__")


_loaded = []


def manifests():
    """Every module's manifest, in MODULES order (importing the packages on first use), after the
    shared mechanisms' own (tables that belong to no feature, e.g. running-number counters)."""
    if not _loaded:
        _loaded.append(Module("core", "公共机制", models=("portal.models.numbers",)))
        for name in MODULES:
            package = importlib.import_module(f"portal.{name}")
            _loaded.append(package.module)
    return list(_loaded)


def all_models():
    """Every model of every module, once, in MODULES order (core tables first)."""
    seen, models = set(), []
    for manifest in manifests():
        for model in manifest.model_classes():
            if model not in seen:
                seen.add(model)
                models.append(model)
    return models


def collect(attribute):
    """One extension point across modules, e.g. collect("cards")."""
    return [entry for manifest in manifests() for entry in getattr(manifest, attribute)]


def setting_defaults():
    defaults = {}
    for manifest in manifests():
        defaults.update(manifest.settings)
    return defaults


def init_app(app):
    for manifest in manifests():
        if manifest.blueprint is not None:
            app.register_blueprint(manifest.blueprint)
