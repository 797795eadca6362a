"""The load journeys, as a locust file: what enterprises, reviewers and district staff do all day.

Each simulated user logs in through the real form, then repeats its role's steps with a pause
between them (``LOAD_THINK``: "min,max" seconds), and logs in again when its browser session ends
(``LOAD_SESSION``: seconds on average). Every request carries a journey name; those
names are the rows of the report. The URLs, ids and logins come from the targets file that
``loadtest.fixtures`` wrote (``LOAD_TARGETS``).

Only ``login`` knows how the login form works: adapt it there if the form gains a captcha or a
lockout.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

from locust import FastHttpUser, HttpUser, between, constant, events, task
from locust.env import Environment

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
LOCK = re.compile(r'name="lock_version" value="(\d+)"')
ALERT = re.compile(r'(?s)class="alert alert-danger[^"]*"[^>]*>(.*?)</div>')
REVIEW_SAVED = "项审核结果"  # the 办理 page's message after a review save: 已保存 N 项审核结果
OPINION = "压力测试：复核通过"


def _stats(environment: Environment) -> dict[str, Any]:
    """Every request's figures and every error so far."""
    entries = [e.serialize() for e in environment.stats.entries.values() if e.num_requests or e.num_failures]
    return {"entries": entries, "errors": list(environment.stats.serialize_errors().values())}


@events.init.add_listener
def _keep_results(environment: Environment, **_: Any) -> None:
    """Once every user has started (each with its first login), keep the figures of that ramp and
    start counting afresh: the run's figures are those of all its users at work, for the run time
    after the ramp. After the run (and the stop timeout), write both, and every exception, to
    ``LOAD_RESULTS``: complete, unlike the periodic CSV files."""
    ramp: dict[str, Any] = {}

    @events.spawning_complete.add_listener
    def _ramp_done(**_: Any) -> None:
        if not ramp:
            ramp.update(_stats(environment))
            environment.stats.reset_all()

    @events.quit.add_listener
    def _write(**_: Any) -> None:
        path = os.environ.get("LOAD_RESULTS")
        if not path or environment.runner is None:
            return
        results = {
            **_stats(environment),
            "ramp": ramp or None,
            "exceptions": [{"count": e["count"], "message": e["msg"]} for e in environment.runner.exceptions.values()],
        }
        Path(path).write_text(json.dumps(results, ensure_ascii=False, default=str), encoding="utf-8")


@cache
def targets() -> dict[str, Any]:
    """What the fixtures wrote: URLs, the login password, one slot per simulated user."""
    return json.loads(Path(os.environ["LOAD_TARGETS"]).read_text(encoding="utf-8"))


def session_seconds() -> float:
    """How long a simulated user's browser session lasts on average before it logs in again
    (``LOAD_SESSION`` seconds, drawn per session from an exponential distribution; 0: one session
    for the whole run)."""
    return float(os.environ.get("LOAD_SESSION") or 0)


def think_time() -> Any:
    """The pause between two steps of one user: ``LOAD_THINK`` = "min,max" seconds ("0": none)."""
    low, _, high = os.environ.get("LOAD_THINK", "0.5,1.5").partition(",")
    return between(float(low), float(high or low)) if float(high or low) > 0 else constant(0)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def rison_list(page: int, filters: str = "", order: str = "changed_on:desc", size: int = 20) -> str:
    """A REST list query (FAB's rison ``q``): one page, in an order, with optional filters."""
    column, _, direction = order.partition(":")
    extra = f",filters:!({filters})" if filters else ""
    return f"(page:{page},page_size:{size},order_column:{column},order_direction:{direction}{extra})"


def login(user: HttpUser | FastHttpUser, username: str) -> bool:
    """Log in through the form as a browser does (form page, CSRF token, POST); True on success."""
    urls, password = targets()["urls"], targets()["password"]
    with user.client.get(urls["login"], name="login-form", catch_response=True) as page:
        match = TOKEN.search(page.text)
        if not match:
            page.failure("登录页没有 CSRF 令牌")
            return False
    form = {"username": username, "password": password, "csrf_token": match.group(1)}
    # A login that succeeds redirects; a refused one shows the form again (200). The redirect is not
    # followed: the answer is the same for both HTTP clients.
    with user.client.post(urls["login"], data=form, name="login", catch_response=True, allow_redirects=False) as answer:
        if answer.status_code not in (302, 303):
            answer.failure(f"{username} 登录被拒绝（HTTP {answer.status_code}）")
            return False
        answer.success()
    return True


class Visitor(HttpUser):
    """A logged-in user of some role; ``username()`` says which login it uses."""

    abstract = True
    wait_time = think_time()

    def username(self) -> str:
        raise NotImplementedError

    def on_start(self) -> None:
        self.account = self.username()
        self.start_session()

    def start_session(self) -> None:
        """Log in, and draw when this browser session ends (``session_seconds``). Not by logging
        out: that ends every session of the account, and simulated users share the demo's
        reviewer accounts."""
        self.client.cookies.clear()
        login(self, self.account)
        mean = session_seconds()
        self.session_ends = time.monotonic() + random.expovariate(1 / mean) if mean > 0 else math.inf

    def fetch(self, url: str, name: str, pdf: bool = False, **kwargs: Any) -> Any:
        """GET ``url`` (after logging in again when the session has ended); a redirect to the login
        page or a wrong content type counts as an error."""
        if time.monotonic() >= self.session_ends:
            self.start_session()
        with self.client.get(url, name=name, catch_response=True, **kwargs) as answer:
            if not answer.ok:
                answer.failure(f"{name}：HTTP {answer.status_code} {text_of(answer.text)[:160]}")
            elif targets()["urls"]["login"] in answer.url:
                answer.failure(f"{name}：会话失效，被转到登录页（{self.account}）")
            elif pdf and not answer.content.startswith(b"%PDF-"):
                answer.failure(f"{name}：返回的不是 PDF（{answer.headers.get('Content-Type')}）")
            return answer


class SlotVisitor(Visitor):
    """A user bound to one slot of the fixtures: an enterprise's records and their reviewer."""

    abstract = True
    counter: Any = None

    def on_start(self) -> None:
        slots = targets()["slots"]
        self.slot = slots[next(type(self).counter) % len(slots)]
        super().on_start()


class EnterpriseUser(SlotVisitor):
    """An enterprise looks at its assessments, its evidence and its printed form."""

    weight = 3
    counter = itertools.count()

    def username(self) -> str:
        return self.slot["owner"]

    @task(3)
    def list_html(self) -> None:
        urls = targets()["urls"]
        self.fetch(urls["list"], "list-html", params={urls["page_arg"]: 0, urls["text_filter"]: self.slot["enterprise"][2:6]})

    @task(3)
    def rest_list(self) -> None:
        self.fetch(targets()["urls"]["api_list"], "rest-list", params={"q": rison_list(0)})

    @task(2)
    def workflow_page(self) -> None:
        self.fetch(self.slot["page"], "workflow-page")

    @task(2)
    def evidence(self) -> None:
        self.fetch(self.slot["file"], "evidence-download", pdf=True)

    @task(1)
    def report(self) -> None:
        self.fetch(self.slot["report"], "report-pdf", pdf=True)


class ReviewerUser(SlotVisitor):
    """A district authority or the city station works through its review queue."""

    weight = 2
    counter = itertools.count()

    def username(self) -> str:
        return self.slot["reviewer"]

    @task(3)
    def pending_html(self) -> None:
        urls = targets()["urls"]
        self.fetch(urls["pending"], "list-html", params={urls["district_filter"]: self.slot["district"]})

    @task(3)
    def rest_list(self) -> None:
        period = f"(col:period,opr:eq,value:'{self.slot['period']}')"
        self.fetch(targets()["urls"]["api_list"], "rest-list", params={"q": rison_list(random.randint(0, 1), filters=period)})

    @task(2)
    def review(self) -> None:
        """Open the 办理 page, pass the slot's first item with an opinion, save (POST with CSRF)."""
        page = self.fetch(self.slot["page"], "workflow-page")
        token, lock = TOKEN.search(page.text or ""), LOCK.search(page.text or "")
        if not (page.ok and token and lock):
            return
        item = self.slot["item"]
        form = {"csrf_token": token.group(1), "lock_version": lock.group(1), f"decision_{item}": "pass", f"opinion_{item}": OPINION}
        with self.client.post(self.slot["review"], data=form, name="review-save", catch_response=True) as answer:
            if answer.ok and REVIEW_SAVED not in answer.text:
                alert = ALERT.search(answer.text)
                answer.failure(f"审核未保存：{text_of(alert.group(1)) if alert else answer.url}")

    @task(1)
    def evidence(self) -> None:
        self.fetch(self.slot["file"], "evidence-download", pdf=True)

    @task(1)
    def report(self) -> None:
        self.fetch(self.slot["approved_report"], "report-pdf", pdf=True)


class DistrictUser(Visitor):
    """District staff (authorities and supervisors) browse the projects and assessments they reach."""

    weight = 1
    counter = itertools.count()

    def username(self) -> str:
        names = targets()["district_users"]
        return names[next(DistrictUser.counter) % len(names)]

    @task(3)
    def project_html(self) -> None:
        urls = targets()["urls"]
        self.fetch(urls["project_list"], "list-html", params={"page_ProjectView": random.randint(0, 2)})

    @task(3)
    def project_rest(self) -> None:
        name = "(col:name,opr:ct,value:'工程')"
        query = rison_list(random.randint(0, 2), filters=name, order="name:asc")
        self.fetch(targets()["urls"]["project_api"], "rest-list", params={"q": query})

    @task(2)
    def list_html(self) -> None:
        self.fetch(targets()["urls"]["list"], "list-html")


class RestListUser(FastHttpUser):
    """Only the REST list of the kind with the most records, page after page (the benchmark figure).

    geventhttpclient instead of python-requests: the load shares the machine's cores with gunicorn,
    and this client spends a fraction of the CPU per request, which the server then has."""

    wait_time = think_time()
    pages = itertools.count()

    def on_start(self) -> None:
        login(self, targets()["list_user"])

    @task
    def rest_list(self) -> None:
        query = {"q": rison_list(next(self.pages) % 3)}
        with self.client.get(targets()["urls"]["busiest_api"], name="rest-list", params=query, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"rest-list：HTTP {answer.status_code} {(answer.text or '')[:160]}")
