"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from playhouse.schema_diff import diff_models

from portal.db import database
from portal.models import ALL_MODELS


def test_migrated_schema_matches_the_models(app):
    drift = diff_models(database.obj, ALL_MODELS)
    assert not drift, drift


def test_every_model_is_listed(app):
    import portal.models as models
    from peewee import Model

    defined = {obj for obj in vars(models).values()
               if isinstance(obj, type) and issubclass(obj, Model) and obj._meta.table_name
               and obj.__name__ not in ("ScopedModel", "OwnedModel", "TargetItemFields")}
    assert defined <= set(ALL_MODELS)
