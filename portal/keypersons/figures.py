"""The year-end summary's figures of the key-person register (一包一): persons per category, contact
visits done and on time, requests solved and amounts paid, group petitions involving registered persons —
the module's own statistics over a unit's subtree. Counts only: never a person's name."""
from ..summary.figures import Figure, list_url, rate, reader
from . import module, stats


@module.figures
def keyperson_figures(year, unit):
    who = reader(unit)
    by_category, by_level = stats.by_category_and_level(who)
    done, on_time = stats.visits(who, year)
    _, (raised, solved, partly, _refused, still_open, amount) = stats.requests(who, year)
    figures_page = list_url("keypersons.stats_page", None, year=year)
    yield Figure("keypersons.registered", "在册重点人员", sum(by_level.values()), "人",
                 list_url("keypersons.index", unit))
    for category, _levels, total in by_category:
        if category.active or total:
            yield Figure(f"keypersons.category_{category.id}", category.name, total, "人",
                         list_url("keypersons.index", unit, category=category.id))
    yield Figure("keypersons.key_level", "重点管控人员", by_level.get("key", 0), "人",
                 list_url("keypersons.index", unit, level="key"))
    yield Figure("keypersons.visits", "走访联系", done, "次", figures_page)
    yield Figure("keypersons.visits_on_time", "按期走访", on_time, "次", figures_page)
    yield Figure("keypersons.visit_rate", "走访按期率", rate(on_time, done), "%", figures_page)
    yield Figure("keypersons.requests", "提出的诉求", raised, "件", figures_page)
    yield Figure("keypersons.requests_solved", "解决的诉求", solved, "件", figures_page)
    yield Figure("keypersons.requests_partly", "部分解决的诉求", partly, "件", figures_page)
    yield Figure("keypersons.requests_open", "正在办理的诉求", still_open, "件", figures_page)
    yield Figure("keypersons.amount_paid", "落实资金", float(amount or 0), "元", figures_page)
    yield Figure("keypersons.group_petitions", "在册人员参与的集体访", stats.group_petitions(who, year), "件",
                 figures_page)
