"""Figures of the key-person register, each one aggregate query over the persons a user may see: persons
per category and level, visits done on time, requests raised / solved / amounts paid per kind, persons
who petitioned and group petitions involving registered persons, by category."""
import datetime

from peewee import Case, fn

from .. import clock
from ..forms import year_arg
from ..models import Petition, Petitioner, SupervisedItem
from ..models.keypersons import (LEVELS, OUTCOMES, REQUEST_ITEM_TYPE, REQUEST_KINDS, AssistanceRequest, KeyPerson,
                                 KeyPersonCategoryLink, KeyPersonVisit)
from . import services


def selected_year(args):
    return year_arg(args) or clock.today().year


def _count_if(condition):
    return fn.COALESCE(fn.SUM(Case(None, [(condition, 1)], 0)), 0)


def _visible(user):
    return KeyPerson.visible_to(user, KeyPerson.id)


def request_items(request_ids):
    """{request id: its latest supervised item} for many requests in one query."""
    if not request_ids:
        return {}
    found = {}
    for item in (SupervisedItem.select().where(SupervisedItem.source_type == REQUEST_ITEM_TYPE,
                                               SupervisedItem.source_id.in_(list(request_ids)))
                 .order_by(SupervisedItem.id)):
        found[item.source_id] = item
    return found


def files_of(user, visits, requests):
    """{("keyperson_visit", id) or ("keyperson_request", id): [attachments]} of a person's visits and requests
    that the user may see, in one query."""
    from ..models import Attachment

    keys = [("keyperson_visit", v.id) for v in visits] + [("keyperson_request", r.id) for r in requests]
    if not keys:
        return {}
    found = {}
    query = Attachment.visible_to(user).where(
        ((Attachment.owner_type == "keyperson_visit") & Attachment.owner_id.in_([v.id for v in visits] or [0]))
        | ((Attachment.owner_type == "keyperson_request") & Attachment.owner_id.in_([r.id for r in requests] or [0])),
        Attachment.archived == False)  # noqa: E712
    for a in query.order_by(Attachment.id):
        found.setdefault((a.owner_type, a.owner_id), []).append(a)
    return found


def headline(user):
    """(persons on the register, of them 重点, with an overdue visit, without a cadre) in the user's scope."""
    row = (services.listed(user).where(KeyPerson.state == "active")
           .select(fn.COUNT(KeyPerson.id), _count_if(KeyPerson.level == "key"),
                   _count_if(services.VISIT_ITEM.due_date < clock.today()), _count_if(services.unassigned_sql()))
           .tuples().get())
    return tuple(int(v or 0) for v in row)


def by_category_and_level(user):
    """[(category, {level: n}, total)] of the persons on the register, and the totals per level."""
    counts = {}
    for category_id, level, n in (KeyPersonCategoryLink
                                  .select(KeyPersonCategoryLink.category, KeyPerson.level, fn.COUNT(KeyPerson.id))
                                  .join(KeyPerson)
                                  .where(KeyPerson.state == "active", KeyPerson.id.in_(_visible(user)))
                                  .group_by(KeyPersonCategoryLink.category, KeyPerson.level).tuples()):
        counts.setdefault(category_id, {})[level] = n
    rows = [(c, {k: counts.get(c.id, {}).get(k, 0) for k in LEVELS}, sum(counts.get(c.id, {}).values()))
            for c in services.categories(True)]
    totals = dict((KeyPerson.select(KeyPerson.level, fn.COUNT(KeyPerson.id))
                   .where(KeyPerson.state == "active", KeyPerson.id.in_(_visible(user)))
                   .group_by(KeyPerson.level).tuples()))
    return rows, {k: totals.get(k, 0) for k in LEVELS}


def visits(user, year):
    """(visits in the year, of them on time) — on time: on or before the due date the visit answered."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    on_time = KeyPersonVisit.due_on.is_null() | (KeyPersonVisit.visited_on <= KeyPersonVisit.due_on)
    row = (KeyPersonVisit.select(fn.COUNT(KeyPersonVisit.id), _count_if(on_time))
           .where(KeyPersonVisit.visited_on.between(start, end), KeyPersonVisit.person.in_(_visible(user)))
           .tuples().get())
    return int(row[0] or 0), int(row[1] or 0)


def requests(user, year):
    """[(kind label, raised, solved, partly, refused, open, amount)] of the year's requests, and the totals."""
    r = AssistanceRequest
    rows = {kind: (n, s, p, f, o, a) for kind, n, s, p, f, o, a in (
        r.select(r.kind, fn.COUNT(r.id), _count_if(r.outcome == "solved"), _count_if(r.outcome == "partial"),
                 _count_if(r.outcome == "refused"), _count_if(r.state == "open"), fn.COALESCE(fn.SUM(r.amount), 0))
        .where(r.year == year, r.person.in_(_visible(user))).group_by(r.kind).tuples())}
    table = [(label,) + tuple(rows.get(kind, (0, 0, 0, 0, 0, 0))) for kind, label in REQUEST_KINDS.items()]
    totals = tuple(sum(row[i] for row in table) for i in range(1, 7))
    return table, totals


def _petitioned(user, year):
    return (Petitioner.select(Petitioner.id_number).join(Petition)
            .where(Petition.year == year, Petitioner.id_number != ""))


def persons_who_petitioned(user, year):
    return (KeyPerson.select().where(KeyPerson.id.in_(_visible(user)), KeyPerson.id_number != "",
                                     KeyPerson.id_number.in_(_petitioned(user, year))).count())


def group_petitions_by_category(user, year):
    """{category: group petitions of the year with a registered person among the petitioners} — the seed's
    "没有出现群体上访事件" is this figure being 0 for 企业军转干部."""
    found = dict(Petition.select(KeyPersonCategoryLink.category, fn.COUNT(fn.DISTINCT(Petition.id)))
                 .join(Petitioner, on=(Petitioner.petition == Petition.id))
                 .join(KeyPerson, on=((KeyPerson.id_number == Petitioner.id_number) & (Petitioner.id_number != "")))
                 .join(KeyPersonCategoryLink, on=(KeyPersonCategoryLink.person == KeyPerson.id))
                 .where(Petition.year == year, Petition.is_group == True,  # noqa: E712
                        KeyPerson.id.in_(_visible(user)))
                 .group_by(KeyPersonCategoryLink.category).tuples())
    return [(c, found.get(c.id, 0)) for c in services.categories(True)]


def group_petitions(user, year):
    """Group petitions of the year with a registered person among the petitioners, each counted once."""
    return int(Petition.select(fn.COUNT(fn.DISTINCT(Petition.id)))
               .join(Petitioner, on=(Petitioner.petition == Petition.id))
               .join(KeyPerson, on=((KeyPerson.id_number == Petitioner.id_number) & (Petitioner.id_number != "")))
               .where(Petition.year == year, Petition.is_group == True,  # noqa: E712
                      KeyPerson.id.in_(_visible(user))).scalar() or 0)


def figures(user, year):
    by_category, by_level = by_category_and_level(user)
    done, on_time = visits(user, year)
    table, totals = requests(user, year)
    return {"by_category": by_category, "by_level": by_level, "levels": LEVELS, "outcomes": OUTCOMES,
            "visits_done": done, "visits_on_time": on_time,
            "on_time_rate": round(100 * on_time / done, 1) if done else None,
            "requests": table, "request_totals": totals, "petitioned": persons_who_petitioned(user, year),
            "group_petitions": group_petitions_by_category(user, year), "headline": headline(user)}

