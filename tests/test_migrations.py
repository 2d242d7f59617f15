"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import importlib
import pkgutil

from playhouse.schema_diff import diff_models

import portal
from portal import modules
from portal.db import database


def test_migrated_schema_matches_the_models(app):
    drift = diff_models(database.obj, modules.all_models())
    assert not drift, drift


def test_every_model_is_declared_by_a_module(app):
    """A model anywhere under portal/ belongs to a module's manifest (else its table is never checked)."""
    declared = set(modules.all_models())
    defined = set()
    for info in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations." in info.name:
            continue
        mod = importlib.import_module(info.name)
        defined |= {obj for obj in vars(mod).values() if modules.is_table(obj) and obj.__module__ == mod.__name__}
    assert defined and defined <= declared, defined - declared
