"""Owns allocating running numbers without a race: one atomic upsert per number, on SQLite and
PostgreSQL alike, so two workers registering at the same instant never get the same number."""
from .db import database, is_postgres
from .models.numbers import Counter


def next_value(series, at_least=1):
    """The next number of a series, allocated atomically (call it inside the transaction that uses
    it: a rolled-back transaction gives its number back). `at_least` lets a series start after
    numbers that exist already (e.g. imported ledgers): the result is never below it."""
    table = Counter._meta.table_name
    biggest = "GREATEST" if is_postgres() else "MAX"
    cursor = database.execute_sql(
        f'INSERT INTO "{table}" (series, value) VALUES (%s, %s) '
        f'ON CONFLICT (series) DO UPDATE SET value = {biggest}("{table}".value + 1, excluded.value) '
        f"RETURNING value".replace("%s", "?" if not is_postgres() else "%s"),
        (series, at_least))
    return cursor.fetchone()[0]
