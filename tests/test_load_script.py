"""The load script's pieces: options, the journeys file, the records it prepares, the report.

No load is run here (it takes minutes and both cores); ``bash scripts/load.sh`` does that.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from loadtest import fixtures, report
from loadtest.options import JOURNEYS, ROOT, parse
from loadtest.runner import finish, locust_command
from tests.support import csrf_token, login, visible_text

FIGURE = re.compile(r"^\S+ (\d+(\.\d+)?|n/a) (count|req/s|ms)$")


def test_defaults_are_fifty_users_for_a_minute_on_two_workers() -> None:
    options = parse([])
    assert (options.users, options.seconds, options.workers, options.only) == (50, 60, 2, "all")
    assert options.think == "0.5,1.5"
    assert options.session == 300  # each simulated user logs in again every five minutes on average
    assert parse(["--session", "0"]).session == 0  # one login per user, at the start
    assert options.directory == ROOT / "var" / "load"
    command = locust_command(options, "http://127.0.0.1:1")
    assert command[command.index("--users") + 1] == "50"
    assert command[command.index("--run-time") + 1] == "65s"  # 60 s after 5 s of starting the users
    assert command[-3:] == list(JOURNEYS["all"])


def test_only_rest_list_runs_only_the_rest_list_user_without_pauses() -> None:
    options = parse(["--only", "rest-list", "--users", "10", "--seconds", "10", "--workers", "4"])
    assert (options.users, options.seconds, options.workers, options.only) == (10, 10, 4, "rest-list")
    assert options.think == "0.0,0.0"
    command = locust_command(options, "http://127.0.0.1:1")
    assert command[-1] == "RestListUser" and "EnterpriseUser" not in command


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--users", "0"], "--users 必须是正整数"),
        (["--seconds", "abc"], "--seconds 必须是正整数"),
        (["--think", "2,1"], "--think 应为“最短,最长”秒数"),
        (["--session", "-5"], "--session 应为不小于 0 的秒数"),
        (["--spawn-rate", "-1"], "--spawn-rate 必须是大于 0 的数"),
        (["--only", "everything"], "--only"),
    ],
)
def test_bad_options_stop_with_a_message_naming_the_option(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_journeys_file_imports_and_defines_every_user_class() -> None:
    """Imported in its own process: locust patches the standard library with gevent on import."""
    probe = (
        "import json, locust, loadtest.journeys as j\n"
        "from loadtest.options import JOURNEYS\n"
        "names = [n for group in JOURNEYS.values() for n in group]\n"
        "users = (locust.HttpUser, locust.FastHttpUser)\n"
        "print(json.dumps({n: [issubclass(getattr(j, n), users), len(getattr(j, n).tasks)] for n in names}))\n"
        "print(j.rison_list(1, filters=\"(col:period,opr:eq,value:'2025')\"))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    classes, query = done.stdout.strip().splitlines()[-2:]
    found = json.loads(classes)
    assert all(is_user and tasks > 0 for is_user, tasks in found.values()), found
    assert query == "(page:1,page_size:20,order_column:changed_on,order_direction:desc,filters:!((col:period,opr:eq,value:'2025')))"


def _entry(name: str, method: str, times: dict[int, int], failures: int = 0, start: float = 1000.0) -> dict:
    return {
        "name": name,
        "method": method,
        "num_requests": sum(times.values()),
        "num_failures": failures,
        "response_times": {str(ms): count for ms, count in times.items()},
        "start_time": start,
        "last_request_timestamp": 1010.0,
    }


def _results(errors: list[dict] | None = None) -> dict:
    return {
        "entries": [
            _entry("login", "POST", {200: 10}, start=1005.0),
            _entry("login", "GET", {20: 10}, start=1005.0),
            _entry("rest-list", "GET", {30: 90, 50: 9, 900: 1}, failures=sum(e["occurrences"] for e in errors or [])),
        ],
        "errors": errors or [],
        "exceptions": [],
    }


def test_report_merges_a_journey_across_methods_and_prints_one_line_per_figure() -> None:
    result = report.summarize(_results())
    login_row = next(r for r in result.journeys if r.name == "login")
    assert login_row.requests == 20 and login_row.latency[50] == 20 and login_row.latency[95] == 200
    assert login_row.per_second == 4.0  # 20 requests in its own 5 seconds
    rest = next(r for r in result.journeys if r.name == "rest-list")
    assert (rest.latency[50], rest.latency[95], rest.latency[99]) == (30, 50, 50)
    assert result.total.requests == 120 and result.total.per_second == 12.0
    lines = report.figures(result)
    assert all(FIGURE.match(line) for line in lines), lines
    assert "rest-list.requests_per_second 10.0 req/s" in lines
    assert "total.errors 0 count" in lines
    # the summary states how often the simulated users logged in
    assert "平均每 300 秒重新登录" in report.summary(result, parse([]))
    assert "只在开始时登录" in report.summary(result, parse(["--session", "0"]))
    assert "登录" not in report.summary(result, parse(["--only", "rest-list"]))


def test_the_users_start_is_counted_apart_and_its_errors_still_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The figures are those of all users at work; the ramp (every user's first login) is its own
    row, its errors make the run fail like any other."""
    options = parse(["--dir", str(tmp_path), "--users", "50", "--seconds", "60"])
    command = locust_command(options, "http://127.0.0.1:1")
    assert command[command.index("--run-time") + 1] == "65s"  # 5 s to start 50 users, then 60 s of all of them
    results = _results()
    results["ramp"] = {
        "entries": [_entry("login", "POST", {300: 45, 900: 5}, failures=2, start=995.0)],
        "errors": [{"method": "POST", "name": "login", "occurrences": 2, "error": "登录被拒绝（HTTP 200）"}],
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    assert finish(options, path) == 1
    out = capsys.readouterr().out
    assert "2 × POST login（启动阶段）：登录被拒绝（HTTP 200）" in out
    assert "ramp.requests 50 count" in out and "ramp.latency_p95 900 ms" in out
    assert "total.requests 120 count" in out and "total.errors 2 count" in out
    assert "启动阶段：50 次请求，错误 2 次，p95 900 ms" in out.splitlines()[-1]


def test_errors_are_shown_and_make_the_exit_code_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options = parse(["--dir", str(tmp_path)])
    clean, failing = tmp_path / "clean.json", tmp_path / "failing.json"
    clean.write_text(json.dumps(_results()), encoding="utf-8")
    failing.write_text(
        json.dumps(_results([{"method": "GET", "name": "rest-list", "occurrences": 3, "error": "rest-list：HTTP 500 内部错误"}])),
        encoding="utf-8",
    )
    assert finish(options, clean) == 0
    out = capsys.readouterr().out
    assert "错误示例" not in out and "错误 0 次" in out.splitlines()[-1]
    assert finish(options, failing) == 1
    out = capsys.readouterr().out
    assert "3 × GET rest-list：rest-list：HTTP 500 内部错误" in out
    assert "total.errors 3 count" in out and "错误 3 次" in out.splitlines()[-1]


def test_prepared_records_carry_every_journey(app: Flask, tmp_path: Path) -> None:
    """The fixtures' records through the real pages: the reviewer saves a review, the enterprise
    downloads its evidence and printed form, district staff filter the lists."""
    app.config["EVIDENCE_DIR"] = str(tmp_path)
    with app.app_context():
        targets = fixtures.build(app, 3)
    assert len(targets["slots"]) == 3
    slot, urls = targets["slots"][0], targets["urls"]

    reviewer = app.test_client()
    login(reviewer, slot["reviewer"], targets["password"])
    page = reviewer.get(slot["page"]).get_data(as_text=True)
    version = re.search(r'name="lock_version" value="(\d+)"', page).group(1)
    item = slot["item"]
    saved = reviewer.post(
        slot["review"],
        data={
            "csrf_token": csrf_token(reviewer, slot["page"]),
            "lock_version": version,
            f"decision_{item}": "pass",
            f"opinion_{item}": "复核通过",
        },
        follow_redirects=True,
    )
    assert "已保存 1 项审核结果" in visible_text(saved.get_data(as_text=True))
    pending = reviewer.get(urls["pending"], query_string={urls["district_filter"]: slot["district"]})
    assert slot["page"] in pending.get_data(as_text=True)
    printed = reviewer.get(slot["approved_report"])
    assert printed.status_code == 200 and printed.data.startswith(b"%PDF-")

    owner = app.test_client()
    login(owner, slot["owner"], targets["password"])
    evidence = owner.get(slot["file"])
    assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF-")
    assert owner.get(slot["report"]).data.startswith(b"%PDF-")
    mine = owner.get(urls["list"], query_string={urls["text_filter"]: slot["enterprise"][2:6]})
    assert slot["page"] in mine.get_data(as_text=True)
    assert owner.get(urls["api_list"], query_string={"q": "(page:0,page_size:20)"}).json["count"] >= 2

    district = app.test_client()
    login(district, targets["district_users"][0], targets["password"])
    assert district.get(urls["project_list"], query_string={"page_ProjectView": 1}).status_code == 200


def test_more_simulated_users_than_enterprise_logins_take_earlier_periods(app: Flask, tmp_path: Path) -> None:
    """At city scale most enterprises have no login: every slot belongs to one that has, and users
    beyond their number take the same enterprises' earlier periods."""
    app.config["EVIDENCE_DIR"] = str(tmp_path)
    with app.app_context():
        from models import AppUser, db

        owners = {u.username for u in db.session.query(AppUser) if u.enterprise_id is not None}
        targets = fixtures.build(app, len(owners) + 2)
    slots = targets["slots"]
    assert {s["owner"] for s in slots} <= owners
    assert len({(s["owner"], s["period"]) for s in slots}) == len(slots) == len(owners) + 2

    lister = app.test_client()
    login(lister, targets["list_user"], targets["password"])
    records = [
        r.rule
        for r in app.url_map.iter_rules()
        if r.endpoint.endswith("Api.get_list") and r.rule.startswith("/api/v1/assessment_") and not r.rule.endswith("_item/")
    ]
    answers = {rule: lister.get(rule, query_string={"q": "(page:0,page_size:1)"}) for rule in records}
    counts = {rule: answer.json["count"] for rule, answer in answers.items()}
    assert counts[targets["urls"]["busiest_api"]] == max(counts.values())
