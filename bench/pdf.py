"""PDF rendering benchmark: a 25-item agreement in Chinese (the contract, 4-5 pages) against a
one-page Latin document (the floor: what any PDF costs) and against the same agreement in Latin text,
rendered in one process. Prints the median of each and the ratios.

    .venv/bin/python bench/pdf.py [--runs 7]

Targets (2-core machine): Chinese median <= 0.3 s and <= 4x the one-page Latin floor. Without
libharfbuzz-subset0 one CJK page takes ~6 s; without the GB 2312 cuts of the fonts
(scripts/vendor-fonts.py, static/vendor/fonts/) each face costs ~60 ms more to subset. The rendering
is uncached (portal.pdf.html_to_pdf); serving an unchanged agreement again hits the instance cache.
Also prints the resident memory of this process after the renders (workers are recycled by gunicorn's
--max-requests, scripts/serve.sh).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import render_template  # noqa: E402

from portal import create_app, pdf  # noqa: E402


def agreement(latin, items=25):
    def text(zh, en):
        return en if latin else zh

    a = SimpleNamespace(
        year=2026, title=text("综治维稳目标管理责任书", "Target Responsibility Agreement"),
        party_a=text("县商务局", "County Commerce Bureau"), party_b=text("县对外贸易公司", "County Foreign Trade Company"),
        party_a_signatory=text("局长", "Director"), preamble=text("为认真贯彻“谁主管谁负责”的原则，落实综治维稳工作领导责任制。" * 3,
                                                                "To carry out the principle that whoever manages is responsible. " * 3),
        rewards=text("年度考核为优秀的单位，由甲方通报表彰。\n不合格的单位取消评先评优资格。",
                     "Units rated excellent are commended.\nUnits that fail lose award eligibility."),
        excellent_min=Decimal(90), good_min=Decimal(80), pass_min=Decimal(60), bonus_cap=Decimal(10),
    )
    items = [SimpleNamespace(
        seq=n, kind="standard", points=Decimal(4),
        category=text("矛盾纠纷排查", "Dispute screening"),
        content=text("基层单位每半月、二级机构每月开展一次矛盾纠纷排查，无矛盾纠纷的实行零报告", "Grassroots units screen "
                     "disputes every half month and second-level bodies every month, with zero reports when none"),
        scoring_rule=text("每缺一次排查或报告扣1分", "One point off for each missed screening or report"),
    ) for n in range(1, items + 1)]
    return {"a": a, "items": items, "base_points": sum(i.points for i in items)}


def median_seconds(app, context, runs):
    with app.test_request_context():
        html = render_template("agreements/pdf/contract.html", **context)
        pdf.html_to_pdf(html)  # warm-up: font loading and caches
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            pdf.html_to_pdf(html)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def cached_median(app, context, runs):
    """portal.pdf.render serves an unchanged document from the instance cache."""
    with app.test_request_context():
        pdf.render("agreements/pdf/contract.html", **context)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            pdf.render("agreements/pdf/contract.html", **context)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="bench-pdf-")})
    print(f"fonts: {'GB 2312 cuts (static/vendor/fonts)' if os.path.exists(pdf.FONTS_CONF) else 'full Debian faces'}")
    floor = median_seconds(app, agreement(latin=True, items=3), args.runs)
    latin = median_seconds(app, agreement(latin=True), args.runs)
    chinese = median_seconds(app, agreement(latin=False), args.runs)
    print(f"floor   median {floor:.3f} s  (one-page Latin document)")
    print(f"latin   median {latin:.3f} s  (the agreement in Latin text)")
    mark = "✓" if chinese <= 0.3 else "✗"
    print(f"chinese median {chinese:.3f} s  (target <= 0.300 s) {mark}")
    mark = "✓" if chinese / floor <= 4 else "✗"
    print(f"ratio   chinese/floor {chinese / floor:.2f}  (target <= 4.00) {mark};  chinese/latin {chinese / latin:.2f}")
    cached = cached_median(app, agreement(latin=False), args.runs)
    print(f"cached  median {cached * 1000:.1f} ms for the unchanged Chinese agreement ({chinese / cached:.0f}x faster)")
    print(f"memory  {rss_mib():.0f} MiB resident after {4 * (args.runs + 1)} renders")


if __name__ == "__main__":
    main()
