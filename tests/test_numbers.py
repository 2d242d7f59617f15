"""Running numbers: allocated by one atomic upsert, so concurrent writers never share a number."""
import threading

from portal import numbers
from portal.db import database


def test_numbers_follow_each_other_and_respect_a_floor(app):
    with app.app_context(), database.connection_context():
        assert [numbers.next_value("t:2026") for _ in range(3)] == [1, 2, 3]
        assert numbers.next_value("t:2026", at_least=10) == 10  # after imported numbers up to 9
        assert numbers.next_value("t:2026") == 11
        assert numbers.next_value("t:2027") == 1


def test_a_rolled_back_transaction_gives_its_number_back(app):
    with app.app_context(), database.connection_context():
        numbers.next_value("t:x")
        with database.atomic() as txn:
            assert numbers.next_value("t:x") == 2
            txn.rollback()
        assert numbers.next_value("t:x") == 2


def test_concurrent_writers_get_distinct_numbers(app):
    """Eight threads, each with its own connection, allocate 25 numbers each inside transactions."""
    got, errors = [], []

    def work():
        try:
            with app.app_context(), database.connection_context():
                for _ in range(25):
                    with database.atomic():
                        got.append(numbers.next_value("t:race"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == list(range(1, 201))
