"""Owns pagination: one page of a query, counted and sliced in SQL, with links that keep the filters.

    page = paginate(Petition.visible_to(user).where(...).order_by(...))
    render(..., page=page)          # page.items, page.number, page.pages, page.total, page.url(n)
    {{ pager(page, "#ledger") }}    # templates/_macros.html

Select the joins a row shows in the query itself (`.select(Petition, Unit).join(...)`), so a page
costs the same few statements whatever the size of the table.
"""
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app, request

from .forms import int_arg


@dataclass
class Page:
    """One page of rows and what its links need."""

    items: list
    number: int
    size: int
    total: int
    args: dict
    more: bool = False  # counted up to a cap (count_cap): there are more than `total` rows

    @property
    def pages(self):
        return max(math.ceil(self.total / self.size), 1)

    @property
    def start(self):
        return (self.number - 1) * self.size

    @property
    def end(self):
        return self.number * self.size

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages or self.more

    @property
    def first_index(self):
        """The 1-based position of the page's first row among all rows (for row numbers)."""
        return (self.number - 1) * self.size + 1

    def url(self, number):
        """The query string of another page, keeping every filter and the sort."""
        return "?" + urlencode({**self.args, "page": number})

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def page_number(args=None):
    args = request.args if args is None else args
    return int_arg(args, "page") or 1


def empty_page(total, args=None, size=None):
    """The requested page (`?page=`, clamped to the last page) of a list of `total` rows, its items not
    yet fetched (they are rows `page.start` to `page.end`)."""
    args = request.args if args is None else args
    size = size or current_app.config["PAGE_SIZE"]
    page = Page([], page_number(args), size, total, {k: v for k, v in args.items() if k != "page"})
    page.number = min(max(page.number, 1), page.pages)
    return page


def paginate(query, args=None, size=None, count_cap=None):
    """The requested page of a peewee query: one COUNT and one LIMIT/OFFSET query. With `count_cap`, the
    COUNT stops after that many rows (or after the requested page): a list that grows without end (the
    audit trail) then costs the same whatever its length, and its pager says "more than" (`page.more`)."""
    counted = query.order_by()
    if count_cap:
        limit = max(count_cap, page_number(args) * (size or current_app.config["PAGE_SIZE"])) + 1
        total = counted.limit(limit).count()
        page = empty_page(min(total, limit - 1), args, size)
        page.more = total == limit
    else:
        page = empty_page(counted.count(), args, size)
    page.items = list(query.paginate(page.number, page.size))
    return page


def paginate_list(rows, args=None, size=None):
    """The same page of rows already computed in Python (only where a row's value is itself computed,
    e.g. a grade, and cannot be filtered in SQL)."""
    page = empty_page(len(rows), args, size)
    page.items = rows[page.start:page.end]
    return page


def paginate_top(total, top, args=None, size=None):
    """The requested page of a list merged from several sources in Python (e.g. 待办): `total` counted
    in SQL, `top(n)` returning the list's first n rows (each source giving its own first n in SQL), so
    a page costs the same whatever the number of rows."""
    page = empty_page(total, args, size)
    page.items = top(page.end)[page.start:page.end]
    return page


def search_text(args=None):
    """A list's search words (`?q=`, the `search_field` macro): trimmed, at most 50 characters."""
    args = request.args if args is None else args
    return (args.get("q") or "").strip()[:50]


def sorted_by(query, args, columns, default, tiebreak=()):
    """The query in the order of the clicked column header (sort_order), then `tiebreak` (e.g. the id,
    for a stable page order); without one, in the list's own `default` order."""
    clicked = sort_order(args, columns)
    return query.order_by(*clicked, *tiebreak) if clicked else query.order_by(*default)


def sort_order(args, columns):
    """The ORDER BY a list's clicked column header asks for: `?sort=key` (ascending) or `?sort=-key`
    (descending) among `columns` ({key: field or expression, or a tuple of them ordered in turn}); None
    when absent or unknown, so the list keeps its own order. The headers: the `sort_th` macro in
    templates/_macros.html (with `sort_kept` so a filter change keeps the sort)."""
    value = (args.get("sort") or "").strip()
    descending = value.startswith("-")
    column = columns.get(value.lstrip("-"))
    if column is None:
        return None
    return [c.desc() if descending else c.asc() for c in (column if isinstance(column, tuple) else (column,))]
