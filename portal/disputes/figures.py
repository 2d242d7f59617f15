"""The year-end summary's figures of dispute mediation and the informants: disputes screened and
settled, the seed's two tier rates, reported to the county, 激化, high risk still open, reports and
their adoption — the module's own statistics (stats.figures) over a unit's subtree."""
from ..models import Unit
from ..summary.figures import Figure, list_url, reader
from . import module, stats


@module.figures
def dispute_figures(year, unit):
    # Counted as the bureau sees them, narrowed to the subtree: an informant's reports are the bureau's
    # and the informant's own to see, so the subtree's are those of its informants.
    whole = unit.parent_id is None
    f = stats.figures(reader(unit) if whole else reader(Unit.get(Unit.parent.is_null())), year,
                      None if whole else unit.subtree().select(Unit.id))

    def disputes(**filters):
        return list_url("disputes.index", unit, year=year, **filters)

    yield Figure("disputes.screened", "排查矛盾纠纷", f.screened, "件", disputes(state="all"))
    yield Figure("disputes.settled", "调解成功", f.settled, "件", disputes(state="all", outcome="settled"))
    yield Figure("disputes.settle_rate", "化解率", f.settle_rate, "%", disputes(state="all", outcome="settled"))
    yield Figure("disputes.second_level_rate", "一般矛盾不出二级机构", f.second_level_rate, "%",
                 disputes(state="all", outcome="settled"))
    yield Figure("disputes.bureau_rate", "特殊复杂矛盾不出局系统", f.bureau_rate, "%",
                 disputes(state="all", outcome="settled"))
    yield Figure("disputes.county", "报县级协调", f.county, "件", disputes(state="all", tier=3))
    yield Figure("disputes.inflamed", "矛盾激化", f.inflamed, "起", disputes(state="all", inflamed=1))
    yield Figure("disputes.high_open", "尚在调处的高风险矛盾纠纷", f.high_open, "件", disputes(state="open", risk="high"))
    yield Figure("disputes.open", "尚在调处的矛盾纠纷", f.open, "件", disputes(state="open"))
    reports = list_url("disputes.reports", None, year=year)
    yield Figure("disputes.informants", "报送信息的信息员", f.informants, "名", reports)
    yield Figure("disputes.reports", "信息员报送信息", f.reports, "条", reports)
    yield Figure("disputes.reports_adopted", "信息员报送信息被采用", f.reports_adopted, "条", reports)
