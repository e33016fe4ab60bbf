"""No 500 on any input: a walk over every form the demo district's pages offer, every JSON
API operation in /api/schema and the Open311 endpoints, sending each field the values that
used to break something — Unicode digits, Infinity, NaN, 1e309, dates that do not exist,
numbers beyond a 64-bit column, text longer than any column — over real HTTP to a
gunicorn-served gridgov on this run's database (SQLite, and PostgreSQL under
`make test-pg`). Every answer must be below 500.

The server is the walk's own (a fresh demo district), because the walk also sends many
valid requests (a description "Infinity" is a fine description) that change its data."""

from __future__ import annotations

import datetime
import json
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from gridgov.demo.build import DEMO_PASSWORD
from gridgov.testing.server import LiveServer

LONG = "长" * 100_000
BAD = ["²", "①", "Infinity", "NaN", "1e309", "-1", "2026-02-30", "9" * 25, LONG]
# in a URL, as long as a request line may be (gunicorn takes 4 KB) and longer than any column
BAD_URL = [*BAD[:-1], "长" * 400]
# raw JSON tokens for numeric fields of the API: not representable as strings
BAD_JSON = ["1e309", "-1e309", "Infinity", "NaN", "1" + "0" * 30, "-1" + "0" * 30]
BAD_DATES = ["2026-02-30", "2026-13-01", "2026-11-29T10:00:00+25:00", "0001-01-01T00:00:00Z"]

ROLES = ["admin", "operator", "community", "worker", "handler", "court", "finance"]
SKIP = re.compile(r"^/(logout|i18n|static|admin/logout)/|\.(xlsx|svg|csv|png|jpe?g)$")
MAX_PAGES = 150
PER_PATTERN = 6
MAX_ADMIN_PAGES = 12  # the admin is Django's, read-only: a look is enough


@pytest.fixture(scope="module")
def server():
    s = LiveServer("demo").start()
    yield s
    s.stop()


class Forms(HTMLParser):
    """Links and forms of a page: each form as (method, action, [(name, kind, value, options)])."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if value:
                self._select["options"].append(value)
            if self._select["value"] is None or "selected" in a:
                self._select["value"] = value
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                if any(f["name"] == a["name"] for f in self._form["fields"]):
                    return
                self._form["fields"].append(
                    {"name": a["name"], "kind": kind, "value": "", "alt": a.get("value", "on")}
                )
                return
            self._form["fields"].append(
                {"name": a["name"], "kind": kind, "value": a.get("value", ""), "alt": ""}
            )
        elif tag == "select":
            self._select = {
                "name": a["name"],
                "kind": "select",
                "value": None,
                "alt": "",
                "options": [],
            }
            self._form["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = {"name": a["name"], "kind": "textarea", "value": "", "alt": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and self._select["value"] is None:
                self._select["value"] = ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


PLAUSIBLE = {
    "number": "1",
    "date": datetime.date.today().isoformat(),
    "tel": "13800138000",
    "email": "a@example.org",
    "textarea": "测试说明",
    "text": "测试",
    "search": "测试",
}
BY_NAME = {"lat": "29.65", "lon": "94.36", "long": "94.36", "phone": "13800138000"}


def baseline(fields) -> dict[str, str]:
    values = {}
    for f in fields:
        value = f["value"] if f["value"] is not None else ""
        if not value and f["kind"] not in ("hidden", "checkbox", "radio", "select"):
            value = BY_NAME.get(f["name"], PLAUSIBLE.get(f["kind"], ""))
        if f["kind"] in ("checkbox", "radio") and not value:
            value = f["alt"]
        values[f["name"]] = value
    return values


def pattern(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"[0-9A-Z]{2,}[0-9][0-9A-Z-]*|\d+", "N", parts.path)
    return path + "?" + ",".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))


def login(base: str, username: str | None) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
    if username:
        page = client.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        done = client.post(
            "/login/",
            data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert done.status_code == 200 and "/login/" not in str(done.url), username
    client.follow_redirects = False
    return client


def crawl(client: httpx.Client, starts: list[str], failures: list[str]) -> list[tuple]:
    """Every page reachable from `starts` (a few per URL pattern); returns its forms."""
    seen_patterns: dict[str, int] = {}
    queue, visited, forms = list(starts), set(), {}
    admin_pages = 0
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        if url in visited:
            continue
        if url.startswith("/admin/"):
            admin_pages += 1
            if admin_pages > MAX_ADMIN_PAGES:
                continue
        visited.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} → {response.status_code}")
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        parser = Forms()
        parser.feed(response.text)
        for href in parser.links:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != urlsplit(str(client.base_url)).netloc:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.path or SKIP.search(parts.path) or local in visited:
                continue
            p = pattern(local)
            if seen_patterns.get(p, 0) >= PER_PATTERN:
                continue
            seen_patterns[p] = seen_patterns.get(p, 0) + 1
            queue.append(local)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            names = tuple(sorted(f["name"] for f in form["fields"]))
            chooser = [f for f in form["fields"] if f["kind"] == "select"]
            if len(chooser) == 1 and len(form["fields"]) <= 2:
                # a first step such as "choose a category": walk into what each choice opens
                for option in chooser[0]["options"][:6]:
                    queue.append(f"{urlsplit(action).path}?{chooser[0]['name']}={option}")
            key = (form["method"], pattern(urlsplit(action).path), names)
            forms.setdefault(key, (form["method"], urlsplit(action).path, form["fields"]))
    return list(forms.values())


def attack(client: httpx.Client, forms, failures: list[str]) -> int:
    jobs = []
    for method, action, fields in forms:
        if action.startswith(("/logout/", "/i18n/")):
            continue
        base = baseline(fields)
        for f in fields:
            if f["name"] == "csrfmiddlewaretoken":
                continue
            for bad in BAD if method == "post" else BAD_URL:
                jobs.append((method, action, {**base, f["name"]: bad}, f["name"], bad))

    def send(job):
        method, action, data, name, bad = job
        if method == "post":
            response = client.post(action, data=data)
        else:
            response = client.get(action, params=data)
        if response.status_code >= 500:
            shown = f"{name}={bad[:20]!r}"
            failures.append(f"{method.upper()} {action} {shown} → {response.status_code}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(send, jobs))
    return len(jobs)


def test_no_form_answers_500(server):
    failures: list[str] = []
    sent = 0
    public = login(server.url, None)
    forms = crawl(public, ["/s/nyang-01/", "/s/", "/typical-cases/", "/login/"], failures)
    sent += attack(public, forms, failures)
    for role in ROLES:
        client = login(server.url, role)
        forms = crawl(client, ["/"], failures)
        assert forms, role
        sent += attack(client, forms, failures)
        client.close()
    assert sent > 500
    assert not failures, "\n".join(sorted(set(failures)))


# --- the JSON API -------------------------------------------------------------------------


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _resolve(options[0], spec) if options else {"type": "null"}
    return schema


def example(schema: dict, spec: dict, name: str = ""):
    schema = _resolve(schema, spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: example(v, spec, k) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), spec)]
    if kind == "integer":
        return 1
    if kind == "number":
        return {"lat": 29.65, "lon": 94.36}.get(name, 1.5)
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return datetime.date.today().isoformat()
    if schema.get("format") == "date-time":
        return datetime.datetime.now().astimezone().isoformat()
    return "测试"


def _identifiers(client: httpx.Client, spec: dict) -> dict[str, str]:
    """A real value for each path parameter, taken from the list its path starts with."""
    found: dict[str, str] = {}
    for path in spec["paths"]:
        for m in re.finditer(r"\{(\w+)\}", path):
            name = m[1]
            if name in found:
                continue
            listing = path[: m.start()].rstrip("/")
            response = client.get(listing.removeprefix("/api"))
            if response.status_code != 200:
                continue
            data = response.json()
            items = data.get("items", []) if isinstance(data, dict) else data
            if items and isinstance(items[0], dict):
                first = items[0]
                for key in (name, "code", "id"):
                    if key in first:
                        found[name] = str(first[key])
                        break
    return found


def test_no_api_operation_answers_500(server):
    failures: list[str] = []
    sent = 0
    for role in ["operator", "worker", "court", "finance"]:
        token = server.manage("create-token", role).strip()
        client = httpx.Client(
            base_url=server.url + "/api",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        spec = client.get("/schema").json()
        ids = _identifiers(client, spec)
        jobs = []
        for path, operations in spec["paths"].items():
            for method, op in operations.items():
                params = op.get("parameters", [])
                values = {p["name"]: ids.get(p["name"], "1") for p in params if p["in"] == "path"}
                query = {
                    p["name"]: str(example(p.get("schema", {}), spec, p["name"]))
                    for p in params
                    if p["in"] == "query" and p.get("required")
                }
                body = None
                content = op.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    body = example(content["application/json"]["schema"], spec)
                url = path.removeprefix("/api").format(**values)
                for p in params:
                    for bad in BAD_URL + BAD_DATES:
                        if p["in"] == "path":
                            bad_url = path.removeprefix("/api").format(
                                **{**values, p["name"]: bad[:200]}
                            )
                            jobs.append((method, bad_url, query, body, None))
                        else:
                            jobs.append((method, url, {**query, p["name"]: bad}, body, None))
                if isinstance(body, dict):
                    for field in body:
                        for bad in BAD + BAD_DATES:
                            jobs.append((method, url, query, {**body, field: bad}, None))
                        for raw in BAD_JSON:
                            text = json.dumps({**body, field: "§RAW§"}, ensure_ascii=False)
                            jobs.append((method, url, query, None, text.replace('"§RAW§"', raw)))
                        value = body[field]
                        if isinstance(value, list) and value and isinstance(value[0], dict):
                            for inner in value[0]:
                                for bad in BAD:
                                    item = {**value[0], inner: bad}
                                    jobs.append((method, url, query, {**body, field: [item]}, None))

        def send(job, client=client):
            method, url, query, body, raw = job
            kwargs = {"params": query}
            if raw is not None:
                kwargs["content"] = raw.encode()
                kwargs["headers"] = {"Content-Type": "application/json"}
            elif body is not None:
                kwargs["json"] = body
            response = client.request(method.upper(), url, **kwargs)
            if response.status_code >= 500:
                shown = (raw or json.dumps(body, ensure_ascii=False) if body or raw else "")[:120]
                asked = json.dumps(query, ensure_ascii=False)[:80]
                failures.append(
                    f"{method.upper()} {url[:80]} {asked} {shown} → {response.status_code}"
                )

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(send, jobs))
        sent += len(jobs)
        client.close()
    assert sent > 500
    assert not failures, "\n".join(sorted(set(failures)))


# --- Open311 --------------------------------------------------------------------------------


def test_no_open311_input_answers_500(server):
    key = server.manage("create-open311-client", "walker").strip()
    failures: list[str] = []
    good = {
        "api_key": key,
        "service_code": "",
        "lat": "29.65",
        "long": "94.36",
        "description": "测试",
        "address_string": "",
        "email": "",
        "phone": "",
        "media_url": "",
    }
    with httpx.Client(base_url=server.url + "/open311/v2", timeout=60) as client:
        services = client.get("/services.json").json()
        good["service_code"] = services[0]["service_code"]
        jobs = []
        for field in good:
            for bad in BAD + BAD_DATES:
                jobs.append(("POST", "/requests.json", {**good, field: bad}))
        for field in ["start_date", "end_date", "status", "service_code", "service_request_id"]:
            for bad in BAD_URL + BAD_DATES:
                jobs.append(("GET", "/requests.json", {field: bad}))
                jobs.append(("GET", "/requests.xml", {field: bad}))
        for bad in BAD:
            jobs.append(("GET", f"/requests/{bad[:200]}.json", {}))
            jobs.append(("GET", f"/tokens/{bad[:200]}.json", {}))
            jobs.append(("GET", f"/services/{bad[:200]}.json", {}))

        def send(job):
            method, url, data = job
            if method == "POST":
                response = client.post(url, data=data)
            else:
                response = client.get(url, params=data)
            if response.status_code >= 500:
                shown = {k: v[:20] for k, v in data.items() if k != "api_key"}
                failures.append(f"{method} {url[:60]} {shown} → {response.status_code}")

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(send, jobs))
    assert not failures, "\n".join(sorted(set(failures)))
