"""No input, however odd, answers 500: every route of the URL map, as office staff and as a unit
head, with seeded random URL values, query strings and form fields (numbers past 64 bits, NaN and
Infinity, impossible dates, control characters, overlong text, ids of records in and out of scope).

The generator is seeded, so a failure names a case that fails again the same way.
"""
import io
import os
import random

import pytest


SEED = 20261202
CASES_PER_ROUTE = 12

ODD = ["", " ", "0", "-1", "1", "2", "NaN", "nan", "Infinity", "-Infinity", "1e999", "1.5", "9" * 25,
       str(2 ** 63), str(2 ** 64 + 5), "2026-02-30", "2026-13-01", "99999-01-01", "0000-00-00", "\x00",
       "a\x01b\x08c\x0bd", "x" * 3000, "<b>x</b>", "'\"\\", "测试/\\?*:[]", "on", "true", "approve", "refuse",
       "self", "bureau", "yes", "no"]
# Every field name a form of the portal uses, and the query-string parameters of its lists.
FIELDS = """version note unit year on reason state score law kind title status severity q notes new_due_date
name level grade form failed description category visitor user type template target_rate start_date speaker
source sort_order sort satisfaction rule round role responsible_person requirement points planned_sessions
phone person parent overdue object_type new_law month method items inspector held_on head_name handler_name
end_date deadline content colour code check channel backlog attendee accepted_on bonus_cap concerned_unit
decided_on decision due_date escalated escalated_note excellent_min good_min pass_min headcount id_number
is_leader measure occurred_on party_a party_a_signatory preamble received_on ref_number request rewards
scoring_rule self_assess_due sign_due text trigger page copy veto sanction from to object_id active
display_name username password pid revision section action""".split()


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ("static", "auth.logout"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


PLAUSIBLE = ["0", "1", "2", "3", "10", "60", "2026", "2026-06-01", "2026-12-01", "测试内容", "yes", "partly", "minor",
             "visit", "npc", "exam", "satisfied", "home", "criticism", "admonition", "other", "office", "grassroots"]


def field_value(rng, ids):
    """Mostly plausible values (ids of real records, dates, small numbers), so that requests get past
    the first check and one odd value reaches the code behind it."""
    if rng.random() < 0.3:
        return rng.choice(ODD)
    return rng.choice(ids) if ids and rng.random() < 0.4 else rng.choice(PLAUSIBLE)


def url_for_case(rule, values, rng):
    url = rule.rule
    for arg in rule.arguments:
        value = values.get(arg, 1)
        if rng.random() < 0.3 and "int:" in url:
            value = rng.choice([0, 2 ** 63, 2 ** 64 + 7, 10 ** 30])
        for conv in (f"<int:{arg}>", f"<{arg}>"):
            url = url.replace(conv, str(value))
    return url


@pytest.mark.parametrize("role", ["office", "unit_head"])
def test_no_input_answers_a_server_error(app, world, outside, login_as, role):
    """As office staff, and as the head of the unit that owns the records (so scoped pages are
    reached, not refused at the door)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is an answer to count, not a test crash
    client = login_as(world.user(role, unit=world.other_shop) if role == "unit_head" else role)
    ids = [str(v) for v in outside.values() if isinstance(v, int)]
    rng = random.Random(SEED)
    failures, sent = [], 0
    for rule, method in routes(app):
        for case in range(CASES_PER_ROUTE):
            url = url_for_case(rule, outside, rng)
            names = FIELDS if method == "POST" else rng.sample(FIELDS, rng.randint(1, 8))
            fields = {name: field_value(rng, ids) for name in names}
            if method == "GET":
                response = client.get(url, query_string=fields, htmx=rng.random() < 0.5)
            else:
                if rng.random() < 0.2:
                    fields["file"] = (io.BytesIO(rng.choice([b"", b"%PDF-1.4\n%%EOF\n", b"\x00" * 64, b"PK\x03\x04"])),
                                      rng.choice(["a.pdf", "b.xlsx", "", "../../x"]))
                response = client.post(url, fields, htmx=rng.random() < 0.5, content_type="multipart/form-data")
            sent += 1
            if response.status_code >= 500:
                failures.append(f"{method} {url} {sorted(fields.items())!r:.300} -> {response.status_code}")
    assert sent > 500
    if failures:  # the whole list, for whoever fixes them
        os.makedirs("test-artifacts", exist_ok=True)
        with open(f"test-artifacts/fuzz-{role}.txt", "w", encoding="utf-8") as fh:
            fh.write("\n".join(failures))
    assert failures == [], f"{len(failures)} of {sent} requests answered 5xx:\n" + "\n".join(failures[:40])
