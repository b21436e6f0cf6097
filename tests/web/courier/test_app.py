"""The courier's app in Chromium (issue 11): installable, opens offline after one visit with
today's run in route order, queues scans from the camera once, keeps the queue across reloads
and sends it once when back online, and sets refused scans aside with the server's reason."""
from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect


def test_after_one_visit_the_app_reloads_offline_with_the_run_in_route_order(
        courier_app, dispatched, api, api_token, inspect_page):
    """Acceptance 1 and 6."""
    page = courier_app
    numbers = dispatched(2)
    page.get_by_role("button", name="Tải lại").click()
    run = api("get", "/api/v1/courier/run", token=api_token("courier")).json()
    in_route_order = [s["tracking_number"] for s in run["stops"]]
    assert set(numbers) <= set(in_route_order)
    expect(page.locator("[data-stops] li")).to_have_count(len(in_route_order))
    inspect_page(page)

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-view=run]")).to_be_visible()
    shown = page.locator("[data-stops] li strong").all_inner_texts()
    assert shown == in_route_order
    assert page.locator("[data-stops] li .pos").all_inner_texts()[:2] == ["1", "2"]
    expect(page.locator("[data-net]")).to_contain_text("Mất mạng")
    page.context.set_offline(False)


def test_the_manifest_and_service_worker_make_it_installable(page):
    page.goto("/courier/")
    manifest = page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/courier/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/courier/")


def _events(api, token, number):
    return [e["event"] for e in api("get", f"/api/v1/shipments/{number}", token=token).json()["events"]]



def test_a_label_in_the_camera_is_queued_once_kept_offline_and_sent_once(
        courier_app, dispatched, api, api_token, label_picture, show_camera, queued):
    """Acceptance 2: one out_for_delivery scan within 3 s though the label stays in view; the
    queue survives an offline reload; back online it is recorded once; a replay records nothing."""
    page = courier_app
    clerk = api_token("clerk")
    [number] = dispatched(1, out=False)
    show_camera(label_picture(number, clerk))
    page.get_by_role("button", name="Tải lại").click()
    page.context.set_offline(True)
    page.get_by_role("button", name="Quét", exact=True).click()
    page.get_by_role("button", name="Bật camera").click()
    expect(page.locator("video[data-video]")).to_be_visible()
    expect(page.locator("[data-last-scan]")).to_contain_text(number, timeout=3000)
    page.wait_for_timeout(3000)  # the label stays in view
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 1")
    [record] = queued(page)
    assert record["number"] == number and record["body"]["event"] == "out_for_delivery"
    assert record["offset_ms"] is not None and record["device_time"]

    page.reload()
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 1")
    page.context.set_offline(False)
    page.evaluate("() => dispatchEvent(new Event('online'))")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0")
    assert _events(api, clerk, number).count("out_for_delivery") == 1

    replay = api("post", "/api/v1/scans", token=api_token("courier"), json={"scans": [record["body"]]})
    assert replay.json()["results"][0]["result"] == "duplicate"
    assert _events(api, clerk, number).count("out_for_delivery") == 1


def test_a_scan_the_server_refuses_needs_attention_with_its_reason(courier_app, dispatched, api, api_token):
    """Acceptance 3: an item already delivered; typed by hand (S10 check digit verified first)."""
    page = courier_app
    [number] = dispatched(1)
    clerk = api_token("clerk")
    api("post", f"/api/v1/shipments/{number}/delivery", token=clerk, json={
        "recipient_name": "Nguyễn Văn Ất", "relationship": "self", "id_type": "cccd",
        "id_number": "038090001234", "occurred_at": datetime.now(UTC).isoformat()})
    assert "delivered" in _events(api, clerk, number)
    page.get_by_role("button", name="Quét", exact=True).click()
    wrong = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    page.get_by_label("Nhập số hiệu bằng tay").fill(wrong)
    page.get_by_role("button", name="Thêm vào hàng đợi").click()
    expect(page.locator("[data-last-scan]")).to_contain_text("số hiệu sai")
    page.get_by_label("Nhập số hiệu bằng tay").fill(number)
    page.get_by_role("button", name="Thêm vào hàng đợi").click()
    expect(page.locator("[data-last-scan]")).to_contain_text(number)
    expect(page.locator("[data-last-scan]")).to_contain_text("không có trong việc hôm nay")  # flagged
    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    expect(page.locator("[data-attention] li")).to_have_count(1)
    expect(page.locator("[data-attention] li")).to_contain_text("Bưu gửi đã kết thúc")
    expect(page.locator("[data-queue-count]")).to_have_text("Chờ gửi: 0")
    page.reload()
    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    expect(page.locator("[data-attention] li")).to_have_count(1)  # kept, not retried


def test_the_app_warns_before_the_token_expires_and_logout_revokes_it(courier_app, api):
    page = courier_app
    token = page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open("hcc-courier");
        open.onsuccess = () => {
            const store = open.result.transaction("kv", "readwrite").objectStore("kv");
            const get = store.get("session");
            get.onsuccess = () => {
                const soon = new Date(Date.now() + 20 * 60_000).toISOString();
                store.put({...get.result, expires_at: soon}, "session");
                resolve(get.result.token);
            };
        };
    })""")
    page.reload()
    expect(page.locator("[data-expiry]")).to_be_visible()
    expect(page.locator("[data-expiry]")).to_contain_text("hết hạn lúc")
    assert api("get", "/api/v1/courier/today", token=token).status_code == 200
    page.get_by_role("button", name="Hàng đợi", exact=True).click()
    page.get_by_role("button", name="Đăng xuất (kết thúc ca)").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    assert api("get", "/api/v1/courier/today", token=token).status_code == 401


def test_the_shell_opens_from_the_cache_at_once_while_the_network_hangs(courier_app):
    """Stale-while-revalidate: on a network that answers nothing for the shell, the app still
    opens from its cache, signed in; the API stays network-only."""
    page = courier_app
    held = []
    page.context.route("**/courier/", lambda route: held.append(route))  # never answered
    page.context.route("**/static/courier/**", lambda route: held.append(route))
    try:
        page.reload(timeout=5000)
        expect(page.locator("[data-view=run]")).to_be_visible(timeout=5000)
        page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=5000)
        assert held, "the service worker refreshes the cache in the background"
    finally:
        page.context.unroute_all(behavior="ignoreErrors")  # lets the held requests go


def test_the_app_speaks_english_on_request_offline_too(page):
    """The English switch: the page and the scripts' own words, kept in the cached shell."""
    page.goto("/courier/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Username").fill("courier")
    page.get_by_label("Password").fill("demo-courier")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-queue-count]")).to_have_text("Waiting: 0")
    expect(page.locator("[data-net]")).to_have_text("Online")
    expect(page.locator("[data-message]")).to_contain_text("Today’s work downloaded at")
    assert page.evaluate("() => document.documentElement.lang") == "en"

    page.evaluate("() => navigator.serviceWorker.ready")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-net]")).to_have_text("Offline — keep working as usual")
    page.get_by_role("button", name="Scan", exact=True).click()
    page.get_by_label("Type the tracking number").fill("RR123456788VN")
    page.get_by_role("button", name="Add to the queue").click()
    expect(page.locator("[data-last-scan]")).to_contain_text("wrong number (check the check digit)")
    page.context.set_offline(False)
