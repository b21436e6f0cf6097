"""The counter after creation and at its desk, in Chromium: a scanned label opens its item,
accepting it records `accepted`, a result is handed over at the counter only to the right ID
(a wrong one is a failed attempt), money is taken in one step and reconciled, results go to a
courier; and the public tracking page in the shared layout (issue 10, acceptance 4 to 6)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

CARD_QR = ("038090001234|123456789|Nguyễn Văn Ất|01011990|Nam|"
           "Thôn Đông, Xã Hà Long, Huyện Hà Trung, Tỉnh Thanh Hóa|15062021")


def test_a_scanned_label_number_opens_the_item_and_accepting_it_records_accepted(
        page, inspect_page, api, api_token, shipment_body, sign_in, created):
    token = api_token("clerk")
    number = created(token, shipment_body(service="intake", collect_fee_vnd=25000))["tracking_number"]
    sign_in(page, "clerk")
    page.goto("/counter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quầy giao dịch")
    expect(page.get_by_label("Quét mã vạch trên nhãn")).to_be_focused()  # the scanner types here
    inspect_page(page)

    page.keyboard.type(number.lower())  # as a scanner does: the characters, then Enter
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/counter/shipments/{number}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bưu gửi {number}")
    expect(page.locator("p.status")).to_have_text("Đã ghi nhận thông tin, chờ bưu điện nhận")
    expect(page.get_by_role("link", name="In nhãn A6")).to_have_attribute("target", "_blank")
    inspect_page(page)

    page.get_by_role("button", name="Nhận bưu gửi").click()
    expect(page.get_by_role("status")).to_have_text(f"Đã nhận bưu gửi {number}.")
    expect(page.locator("ol.timeline li").first).to_contain_text("Bưu điện đã nhận bưu gửi")
    shipment = api("get", f"/api/v1/shipments/{number}", token=token).json()
    assert shipment["status"] == "accepted"
    assert [e["event"] for e in shipment["events"]] == ["created", "accepted"]


def test_a_result_is_handed_over_at_the_counter_only_to_the_right_id(
        page, inspect_page, api, api_token, shipment_body, sign_in, created, scanned):
    token = api_token("clerk")
    # a result for Nguyễn Văn Ất, CCCD 038090001234
    number = created(token, shipment_body())["tracking_number"]
    scanned(token, number, "accepted")
    sign_in(page, "clerk")
    page.goto(f"/counter/shipments/{number}")
    expect(page.get_by_role("heading", name="Trả kết quả tại quầy")).to_be_visible()
    inspect_page(page)

    page.get_by_label("Số giấy tờ").fill("038090009999")
    with page.expect_response(re.compile(f"/counter/shipments/{number}/delivery$")) as answer:
        page.get_by_label("Số giấy tờ").press("Enter")
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("Giấy tờ tùy thân không khớp với người nhận")
    expect(page.get_by_role("alert")).to_contain_text("id_mismatch")
    expect(page.get_by_label("Số giấy tờ")).to_be_focused()  # ready for the right card
    expect(page.locator("ol.timeline li").first).to_contain_text(
        "Phát không thành công, đã để lại giấy mời — Giấy tờ tùy thân không khớp với người nhận")
    inspect_page(page)
    shipment = api("get", f"/api/v1/shipments/{number}", token=token).json()
    assert shipment["status"] == "awaiting_collection"
    assert shipment["events"][-1]["event"] == "delivery_failed"
    assert shipment["events"][-1]["reason"] == "id_mismatch"

    page.goto("/counter/")  # now among the results waiting at the counter
    waiting = page.get_by_role("table", name="Kết quả chờ nhận tại quầy")
    waiting.get_by_role("link", name=number).click()

    page.get_by_label("Họ tên người nhận").fill("")
    page.get_by_label("Số giấy tờ").fill(CARD_QR)  # the 2D scanner types the card's QR text
    page.get_by_label("Số giấy tờ").press("Enter")
    expect(page.get_by_label("Số giấy tờ")).to_have_value("038090001234")
    expect(page.get_by_label("Họ tên người nhận")).to_have_value("Nguyễn Văn Ất")
    expect(page.locator("form.pod").locator("..").get_by_role("status")).to_contain_text("Đã đọc CCCD")
    expect(page.get_by_role("button", name="Trả kết quả")).to_be_focused()
    page.keyboard.press("Enter")  # the clerk confirms what the card filled
    expect(page.get_by_role("status").first).to_have_text(f"Đã trả kết quả {number} cho người nhận.")
    expect(page.locator("p.status")).to_have_text("Đã phát thành công")
    assert api("get", f"/api/v1/shipments/{number}", token=token).json()["status"] == "delivered"


def test_a_card_qr_with_three_fields_fills_nothing_and_says_why(page, api, api_token, shipment_body, sign_in,
                                                                 created, scanned):
    token = api_token("clerk")
    number = created(token, shipment_body())["tracking_number"]
    scanned(token, number, "accepted")
    sign_in(page, "clerk")
    page.goto(f"/counter/shipments/{number}")
    page.get_by_label("Số giấy tờ").fill("038090001234|Nguyễn Văn Ất|01011990")
    page.get_by_label("Số giấy tờ").press("Enter")
    expect(page.locator('[id="id_number-error"]')).to_contain_text("Đây không phải mã QR của CCCD")
    expect(page.get_by_label("Số giấy tờ")).to_have_value("")
    assert api("get", f"/api/v1/shipments/{number}", token=token).json()["status"] == "accepted"


def test_fees_are_taken_in_one_step_and_the_reconciliation_shows_what_differs(
        page, inspect_page, api, api_token, shipment_body, sign_in, created):
    token = api_token("clerk")
    number = created(token, shipment_body(service="intake", collect_fee_vnd=25000))["tracking_number"]
    sign_in(page, "clerk")
    page.goto(f"/counter/shipments/{number}")
    label = page.request.get(page.get_by_role("link", name="In nhãn A6").get_attribute("href"))
    slip = page.request.get(page.get_by_role("link", name="In phiếu gửi A5").get_attribute("href"))
    for pdf in (label, slip):
        assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.get_by_role("button", name="Nhận bưu gửi").click()

    postal = page.get_by_label("Cước bưu chính")
    due = int(postal.input_value())
    assert due > 0
    expect(page.get_by_label("Phí thủ tục thu hộ")).to_have_value("25000")
    postal.fill(str(due - 1000))  # short by 1.000 ₫: the reconciliation must show it
    page.get_by_role("button", name="Ghi nhận đã thu").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi nhận khoản thu.")
    expect(page.get_by_role("button", name="Ghi nhận đã thu")).to_have_count(0)
    expect(page.get_by_text("Phí thủ tục thu hộ: đã thu 25.000 ₫")).to_be_visible()

    page.goto("/counter/reconciliation")
    inspect_page(page)
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Cước bưu chính")
    expect(row).to_contain_text("Số tiền thu khác số phải thu")


def test_the_desk_filters_todays_items_and_hands_results_to_a_courier(
        page, inspect_page, api, api_token, shipment_body, sign_in, created, scanned):
    token = api_token("clerk")
    phones = {}
    for phone in ("0912000111", "0912000222"):
        body = shipment_body()
        body["recipient"] = {**body["recipient"], "phone": phone}
        phones[phone] = created(token, body)["tracking_number"]
    scanned(token, phones["0912000222"], "accepted")
    sign_in(page, "clerk")
    page.goto("/counter/")
    listing = page.locator("#desk-list")
    expect(listing).to_contain_text(phones["0912000111"])

    with page.expect_response(re.compile(r"/counter/desk/shipments\?")):
        page.get_by_label("Số cuối điện thoại").fill("000222")
    expect(listing.get_by_role("link", name=phones["0912000222"])).to_be_visible()
    expect(listing.get_by_role("link", name=phones["0912000111"])).to_have_count(0)
    inspect_page(page)

    page.get_by_role("checkbox", name=re.compile(phones["0912000222"])).check()
    page.get_by_label("Bưu tá", exact=True).select_option("courier")
    page.get_by_role("button", name="Giao cho bưu tá").click()
    expect(page.get_by_role("status").first).to_have_text("Đã giao 1 bưu gửi cho bưu tá Phạm Văn Bưu Tá.")
    assert api("get", f"/api/v1/shipments/{phones['0912000222']}", token=token).json()["courier"] == "courier"


def test_a_dossier_code_typed_into_the_search_opens_its_item_and_an_unknown_one_says_so(
        page, inspect_page, api, api_token, shipment_body, sign_in, created):
    token = api_token("clerk")
    body = shipment_body()
    number = created(token, body)["tracking_number"]
    sign_in(page, "clerk")
    page.goto("/counter/")
    page.get_by_label("Quét mã vạch trên nhãn").fill(body["dossier"]["code"])
    page.get_by_label("Quét mã vạch trên nhãn").press("Enter")
    expect(page).to_have_url(re.compile(f"/counter/shipments/{number}$"))

    page.goto("/counter/find?q=KHONG-CO")
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy bưu gửi nào")
    inspect_page(page)


def test_the_tracking_page_is_in_the_shared_layout_and_leaves_no_cookie(
        page, inspect_page, api, api_token, shipment_body, created, scanned):
    token = api_token("clerk")
    number = created(token, shipment_body())["tracking_number"]
    scanned(token, number, "accepted")
    page.goto("/")
    page.get_by_label("Số hiệu bưu gửi").fill(number)
    with page.expect_response(re.compile(f"/t/{number}$")) as answer:
        page.get_by_label("Số hiệu bưu gửi").press("Enter")
    assert answer.value.status == 200 and "set-cookie" not in answer.value.headers
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bưu gửi {number}")
    expect(page.locator("ol.timeline li").first).to_contain_text("Bưu điện đã nhận bưu gửi")
    expect(page.get_by_role("link", name="Về trang chủ")).to_have_attribute("href", "/")
    assert page.locator("script, style, [style]").count() == 0
    assert "Nguyễn Văn Ất" not in page.content() and "0912345678" not in page.content()
    inspect_page(page)

    unknown = page.goto("/t/HB999999995VN")
    unknown_body = unknown.body()
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy bưu gửi")
    inspect_page(page)
    malformed = page.goto("/t/not-a-number")
    assert unknown.status == malformed.status == 404
    assert unknown_body == malformed.body()


def test_the_desk_the_shipment_page_and_the_reconciliation_read_in_english(
        page, inspect_page, untranslated_text, api, api_token, shipment_body, sign_in, created, scanned):
    token = api_token("clerk")
    number = created(token, shipment_body(service="intake", collect_fee_vnd=25000))["tracking_number"]
    scanned(token, number, "accepted")
    sign_in(page, "clerk")
    page.goto("/counter/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for path in ("/counter/", f"/counter/shipments/{number}", "/counter/reconciliation"):
        page.goto(path)
        assert untranslated_text(page) is None, path
        inspect_page(page)
