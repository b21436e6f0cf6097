"""The OpenAPI 3.1 document and the offline docs page (SPEC §7)."""
import re
from html.parser import HTMLParser

import pytest

SPEC_URL = "/api/v1/openapi.json"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
BODY_METHODS = {"post", "put", "patch"}
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")  # <int(max=9):key_id> -> {key_id}


@pytest.fixture(scope="module")
def spec(app):
    resp = app.test_client().get(SPEC_URL)
    assert resp.status_code == 200 and resp.is_json
    return resp.get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def resolve(spec, node):
    """Follow a local $ref ('#/components/...'); fail on one that points nowhere."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            assert part in node, f"dangling $ref {ref}"
            node = node[part]
    return node


def test_it_is_openapi_3_1(spec):
    assert re.fullmatch(r"3\.1\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]


def test_every_api_route_is_documented(app, spec):
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != SPEC_URL:
            path = CONVERTER.sub(r"{\1}", rule.rule)
            routed |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, method, _ in operations(spec)}
    assert routed and documented == routed


def views_taking_a_body(app):
    """(path, method) of every view that parses a JSON body with @blp.arguments."""
    found = set()
    for rule in app.url_map.iter_rules():
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        for method in (rule.methods or set()) & {m.upper() for m in BODY_METHODS}:
            apidoc = getattr(getattr(view_class, method.lower(), None), "_apidoc", {})
            parameters = apidoc.get("arguments", {}).get("parameters", [])
            if any(a.get("location", "json") == "json" for a in parameters):
                found.add((CONVERTER.sub(r"{\1}", rule.rule), method.lower()))
    return found


def test_every_body_and_success_is_described(app, spec):
    takes_body = views_taking_a_body(app)
    assert ("/api/v1/shipments", "post") in takes_body
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        if (path, method) in takes_body or "requestBody" in op:
            body = resolve(spec, op.get("requestBody", {}))
            assert body.get("content", {}).get("application/json", {}).get("schema"), where
        successes = {code: resolve(spec, r) for code, r in op["responses"].items() if code.startswith("2")}
        assert len(successes) == 1, where  # one success status per view (STYLE.md)
        for code, response in successes.items():
            if code != "204":
                content = response.get("content", {})
                assert content and all(m.get("schema") for m in content.values()), where


def test_every_error_response_is_problem_json(spec):
    """SPEC §7: errors are application/problem+json, in the document as on the wire."""
    for path, method, op in operations(spec):
        for code, ref in op["responses"].items():
            if code == "default" or code[0] in "45":
                response = resolve(spec, ref)
                assert list(response.get("content", {})) == ["application/problem+json"], (method, path, code)
                schema = resolve(spec, response["content"]["application/problem+json"]["schema"])
                assert set(schema["required"]) == {"type", "title", "status", "detail", "code"}


def test_every_ref_resolves(spec):
    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(spec, node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)


def test_path_parameters_are_declared(spec):
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, op in ((m, o) for m, o in item.items() if m in HTTP_METHODS):
            params = [resolve(spec, p) for p in item.get("parameters", []) + op.get("parameters", [])]
            declared = {p["name"] for p in params if p["in"] == "path"}
            assert declared == names, (method, path)
            assert all(p["required"] for p in params if p["in"] == "path")


def test_bearer_auth_is_declared_and_used(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        **spec["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}
    secured = {(m, p) for p, m, op in operations(spec) if op.get("security") == [{"bearerAuth": []}]}
    public = {(m, p) for p, m, op in operations(spec)} - secured
    assert ("post", "/api/v1/auth/tokens") in public
    assert ("post", "/api/v1/shipments") in secured and ("get", "/api/v1/units") in secured
    for path, method, op in operations(spec):
        if (method, path) in secured:
            assert "401" in op["responses"], (method, path)


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def test_docs_page_loads_nothing_from_elsewhere(client):
    resp = client.get("/api/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    parser = _Assets()
    parser.feed(page)
    assert len(parser.urls) >= 2
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        with client.get(url) as asset:  # a file response: close it
            assert asset.status_code == 200, url
    with client.get("/api/docs/static/swagger-init.js") as init:  # no inline script (app/headers.py)
        assert f'url: "{SPEC_URL}"' in init.get_data(as_text=True)


def test_swagger_ui_renders_openapi_3_1(client):
    with client.get("/api/docs/assets/swagger-ui-bundle.js") as resp:
        bundle = resp.get_data(as_text=True)
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bundle)
    assert version, "the bundle names its version"
    assert int(version.group(1)) >= 5  # OpenAPI 3.1 support arrived in swagger-ui 5


@pytest.mark.parametrize("name", ["..%2fcore.py", "%2e%2e/core.py", "..%5ccore.py"])
def test_assets_do_not_escape_their_folder(client, name, problem):
    # swagger_ui/core.py sits one folder above the served static assets.
    problem(client.get(f"/api/docs/assets/{name}"), 404, "not_found")
