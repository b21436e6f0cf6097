"""The counter's new-shipment form: keyboard first, the commune picker, the live quote, the
CCCD QR code, and the API's own schema checking it, errors beside the fields in Vietnamese."""
from __future__ import annotations

import base64
import io
import json
import re
import uuid

from PIL import Image, ImageDraw
from playwright.sync_api import expect
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

QR_TEXT = ("038090001234|123456789|Nguyễn Văn Ất|01011990|Nam|"
           "Thôn Đông, Xã Hà Long, Huyện Hà Trung, Tỉnh Thanh Hóa|15062021")
S10 = re.compile(r"\b[A-Z]{2}\d{9}VN\b")


def field(page, name: str):
    return page.locator(f'[name="{name}"]')


def type_and_tab(page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def pick_commune(page, party: str, typed: str, label: str) -> None:
    """Type into the focused picker, wait for the choice, take it with Enter, Tab on."""
    page.keyboard.type(typed)
    expect(page.locator(f"#{party}-communes [role=option]").first).to_contain_text(label.split(",")[0])
    page.keyboard.press("Enter")
    expect(page.locator(f"#{party}-commune")).to_have_value(label)
    page.keyboard.press("Tab")


def quote_total(api, token: str, body: dict) -> int:
    resp = api("post", "/api/v1/quotes", token=token, json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["total_vnd"]


def test_a_clerk_takes_a_return_by_keyboard_alone_and_the_api_reads_it_back(page, inspect_page, api,
                                                                            api_token, pdf, sign_in):
    token = api_token("clerk")
    dossier = f"000.00.12.H56-200313-{uuid.uuid4().hex[:6]}"
    priced = {"service": "return", "dossier": {"code": dossier}, "agency_code": "UBND-14812",
              "sender": {"name": "UBND phường Bỉm Sơn", "phone": "02373824123",
                         "address": {"line": "Số 1 Trần Phú", "unit_code": "14812"}},
              "recipient": {"name": "Nguyễn Văn Ất", "phone": "0912345678",
                            "address": {"line": "Thôn Đông", "unit_code": "14812"}},
              "weight_g": 120, "items": [{"name": "Trích lục khai sinh", "original": True, "count": 1}]}
    at_120, at_650 = quote_total(api, token, priced), quote_total(api, token, {**priced, "weight_g": 650})
    assert at_120 != at_650

    sign_in(page, "clerk")
    expect(page).to_have_url(re.compile("/counter/shipments/new$"))  # the clerk's first page
    page.wait_for_load_state()  # the page's scripts are in
    expect(page.get_by_role("link", name="Bưu gửi mới")).to_have_attribute("aria-current", "page")
    expect(field(page, "service")).to_be_focused()  # the slip starts at its first field
    page.keyboard.press("ArrowDown")
    expect(field(page, "service")).to_have_value("return")
    page.keyboard.press("Tab")
    for text in (dossier, "Cấp bản sao trích lục hộ tịch", "UBND-14812"):
        type_and_tab(page, text)
    # A return's sender is the agency: picking it fills the sender, and Tab goes past.
    expect(page.locator("#agency-name")).to_contain_text(
        "UBND phường Bỉm Sơn · Đã điền cơ quan vào người gửi.")
    expect(field(page, "sender.name")).to_be_focused()
    expect(field(page, "sender.phone")).to_have_value("02373824123")
    expect(field(page, "sender.address.line")).to_have_value("Số 1 Trần Phú")
    expect(page.locator("#sender-commune")).to_have_value("Phường Bỉm Sơn, Tỉnh Thanh Hóa")
    for _ in range(4):
        page.keyboard.press("Tab")
    type_and_tab(page, "Nguyễn Văn Ất")
    type_and_tab(page, "0912345678")
    page.keyboard.type("038090001234")
    page.keyboard.press("Enter")  # on to the next field, past the webcam button
    expect(field(page, "recipient.address.line")).to_be_focused()
    type_and_tab(page, "Thôn Đông")
    pick_commune(page, "recipient", "bim son", "Phường Bỉm Sơn, Tỉnh Thanh Hóa")
    expect(field(page, "weight_g")).to_be_focused()
    type_and_tab(page, "120")
    total = page.locator("#quote [data-total]")
    expect(total).to_have_attribute("data-total", str(at_120))
    expect(page.locator("#quote")).to_contain_text("Nội xã, lân cận")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    type_and_tab(page, "650")
    expect(total).to_have_attribute("data-total", str(at_650))  # the quote follows the weight
    expect(field(page, "items-0-name")).to_be_focused()
    page.keyboard.type("Trích lục khai sinh")
    page.keyboard.press("Enter")  # Enter moves on: a scanner's Enter never submits half a slip
    expect(field(page, "items-0-original")).to_be_focused()
    expect(field(page, "items-0-original")).to_have_value("on")  # an original
    page.keyboard.press("Enter")
    expect(field(page, "items-0-count")).to_have_value("1")
    page.keyboard.press("Tab")  # to "add a document"
    page.keyboard.press("Tab")
    expect(field(page, "beneficiary.category")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(field(page, "collect_fee_vnd")).to_be_focused()
    inspect_page(page)
    page.keyboard.press("Enter")  # Enter in the last field submits

    expect(page.locator("main")).to_contain_text(S10)
    number = S10.search(page.locator("main").inner_text())[0]
    inspect_page(page)
    shipment = api("get", f"/api/v1/shipments/{number}", token=token).json()
    assert shipment["dossier"]["code"] == dossier
    assert shipment["service"] == "return"
    assert shipment["recipient"]["name"] == "Nguyễn Văn Ất"
    assert shipment["recipient"]["phone"] == "0912345678"
    assert shipment["recipient"]["id_last4"] == "1234"
    assert shipment["recipient"]["address"]["line"] == "Thôn Đông"
    assert shipment["recipient"]["address"]["unit_code"] == "14812"
    assert shipment["items"] == [{"name": "Trích lục khai sinh", "original": True, "count": 1}]
    assert shipment["weight_g"] == 650
    assert shipment["fee"]["total_vnd"] == at_650

    # The label the page opens for printing carries that number in its Code 128 and QR code.
    href = page.get_by_role("link", name="In nhãn A6").get_attribute("href")
    label = page.request.get(href)
    assert label.ok and label.headers["content-type"] == "application/pdf"
    decoded = dict(pdf.symbols(label.body()))
    assert decoded["CODE-128"] == number and decoded["QR-Code"].endswith(f"/t/{number}")


def test_documents_are_added_and_removed_as_rows(page, sign_in):
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    expect(page.locator("[data-remove-item]")).to_be_hidden()  # the one row stays
    page.get_by_role("button", name="Thêm giấy tờ").press("Enter")
    expect(field(page, "items-1-name")).to_be_focused()
    page.keyboard.type("Bản sao giấy khai sinh")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    expect(field(page, "items-1-original")).to_have_value("off")
    page.get_by_role("button", name="Thêm giấy tờ").click()
    expect(page.locator("[data-item-row]")).to_have_count(3)
    page.get_by_role("button", name="Bỏ dòng 3").click()
    expect(page.locator("[data-item-row]")).to_have_count(2)
    expect(page.get_by_role("button", name="Bỏ dòng 2")).to_be_visible()


def test_a_cccd_qr_code_fills_the_recipient_and_picks_todays_commune(page, inspect_page, api, api_token,
                                                                     sign_in):
    converted = api("get", "/api/v1/units/convert", token=api_token("clerk"),
                    params={"address": "Thôn Đông, Xã Hà Long, Huyện Hà Trung, Tỉnh Thanh Hóa"}).json()
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    field(page, "recipient.id_number").focus()
    page.keyboard.type(QR_TEXT)  # as the counter's 2D scanner types it
    page.keyboard.press("Enter")
    expect(field(page, "recipient.name")).to_have_value("Nguyễn Văn Ất")
    expect(field(page, "recipient.id_number")).to_have_value("038090001234")
    expect(field(page, "recipient.address.line")).to_have_value("Thôn Đông")
    expect(field(page, "recipient.address.unit_code")).to_have_value(converted["commune"]["code"])
    expect(page.locator("#recipient-commune")).to_have_value(re.compile(f"^{converted['commune']['name']}, "))
    result = page.locator("#cccd-result")
    expect(result).to_contain_text("Đã điền từ CCCD")
    expect(result).to_contain_text(converted["commune"]["name"])
    inspect_page(page)


def test_a_qr_text_that_is_not_a_cards_fills_nothing_and_says_why(page, sign_in):
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    field(page, "recipient.id_number").focus()
    page.keyboard.type("038090001234|Nguyễn Văn Ất|01011990")
    page.keyboard.press("Enter")
    expect(page.locator("#cccd-result")).to_contain_text("không phải mã QR của CCCD: mã có 3 trường")
    expect(page.locator("#cccd-result")).to_contain_text("Chưa điền gì.")
    for name in ("recipient.name", "recipient.id_number", "recipient.address.line",
                 "recipient.address.unit_code"):
        expect(field(page, name)).to_have_value("")
    expect(field(page, "recipient.id_number")).to_be_focused()


def qr_png(text: str, scale: int = 6, quiet: int = 4) -> str:
    """A QR code of `text` (UTF-8 bytes, as on the card) as a data: URL of a PNG."""
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    side = qr.getModuleCount() + 2 * quiet
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    for row in range(qr.getModuleCount()):
        for col in range(qr.getModuleCount()):
            if qr.isDark(row, col):
                x, y = (col + quiet) * scale, (row + quiet) * scale
                draw.rectangle((x, y, x + scale - 1, y + scale - 1), fill=0)
    png = io.BytesIO()
    image.save(png, "PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()


# The browser's camera, holding a card up to it: a canvas stream showing the QR code. Only the
# browser's getUserMedia is replaced; the page's scanner and zxing-wasm run as they are.
FAKE_CAMERA = """
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = Object.assign(document.createElement("canvas"), {width: 640, height: 480});
  const context = canvas.getContext("2d");
  const card = new Image();
  card.src = %s;
  await card.decode();
  const draw = () => {
    context.fillStyle = "#fff";
    context.fillRect(0, 0, 640, 480);
    context.drawImage(card, 320 - card.width / 2, 240 - card.height / 2);
  };
  draw();
  setInterval(draw, 100);
  return canvas.captureStream(10);
};
"""


def test_the_webcam_reads_a_cccd_qr_code_like_the_scanner(page, inspect_page, sign_in):
    page.add_init_script(FAKE_CAMERA % json.dumps(qr_png(QR_TEXT)))
    sign_in(page, "clerk")
    answer = page.goto("/counter/shipments/new")
    assert "'wasm-unsafe-eval'" in answer.headers["content-security-policy"]  # this page only
    page.get_by_role("button", name="Quét CCCD bằng camera").click()
    expect(field(page, "recipient.name")).to_have_value("Nguyễn Văn Ất", timeout=20_000)
    expect(field(page, "recipient.id_number")).to_have_value("038090001234")
    expect(field(page, "recipient.address.line")).to_have_value("Thôn Đông")
    expect(page.locator("#cccd-result")).to_contain_text("Đã điền từ CCCD")
    expect(page.locator("#camera")).to_be_hidden()  # the camera is let go once read
    inspect_page(page)


def fill_slip(page, dossier: str, **changes: str) -> None:
    """Fill the form the quick way (not what these tests are about): fields, then pickers by code."""
    values = {"dossier.code": dossier, "agency_code": "UBND-14812",
              "sender.name": "UBND phường Bỉm Sơn", "sender.phone": "02373824123",
              "sender.address.line": "Số 1 Trần Phú", "#sender-commune": "14812",
              "recipient.name": "Nguyễn Văn Ất", "recipient.phone": "0912345678",
              "recipient.id_number": "038090001234", "recipient.address.line": "Thôn Đông",
              "#recipient-commune": "14812", "weight_g": "120", "items-0-name": "Trích lục khai sinh",
              **changes}
    field(page, "service").select_option("return")
    for name, value in values.items():
        (page.locator(name) if name.startswith("#") else field(page, name)).fill(value)


def test_bad_input_is_shown_beside_its_field_in_vietnamese_and_nothing_saved(page, inspect_page, api,
                                                                             api_token, sign_in):
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    dossier = f"000.00.12.H56-200313-{uuid.uuid4().hex[:6]}"
    fill_slip(page, dossier, **{"recipient.name": "", "recipient.phone": "12345",
                                "recipient.id_number": "03809", "weight_g": "0",
                                "#recipient-commune": "99999"})
    with page.expect_response(re.compile("/counter/shipments/new$")) as answer:
        page.get_by_role("button", name="Tạo bưu gửi").click()
    assert answer.value.status == 422
    for name, message in {"recipient.name": "Vui lòng nhập trường này.",
                          "recipient.phone": "Số điện thoại không hợp lệ",
                          "recipient.id_number": "Số CCCD gồm 12 chữ số",
                          "weight_g": "Phải từ 1 đến 30000.",
                          "recipient.address.unit_code": "Không có xã/phường với mã này."}.items():
        expect(page.locator(f'[id="{name}-error"]')).to_contain_text(message)
    expect(field(page, "recipient.phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#recipient-commune")).to_have_attribute("aria-invalid", "true")
    expect(field(page, "dossier.code")).to_have_value(dossier)  # what was typed stays
    expect(page.locator("#sender-commune")).to_have_value("Phường Bỉm Sơn, Tỉnh Thanh Hóa")
    inspect_page(page)

    found = api("get", "/api/v1/shipments", token=api_token("clerk"), params={"dossier_code": dossier}).json()
    assert found["items"] == []


def test_a_form_posted_without_its_csrf_token_is_refused_and_nothing_saved(page, api, api_token, sign_in):
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    dossier = f"000.00.12.H56-200313-{uuid.uuid4().hex[:6]}"
    fill_slip(page, dossier)
    page.evaluate("() => document.querySelector('#slip [name=csrf_token]').remove()")
    with page.expect_response(re.compile("/counter/shipments/new$")) as answer:
        page.get_by_role("button", name="Tạo bưu gửi").click()
    assert answer.value.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Biểu mẫu đã hết hạn")
    found = api("get", "/api/v1/shipments", token=api_token("clerk"), params={"dossier_code": dossier}).json()
    assert found["items"] == []


def test_escape_clears_the_form_after_asking(page, inspect_page, sign_in):
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    field(page, "dossier.code").fill("000.00.12.H56-200313-9999")
    field(page, "dossier.code").press("Escape")
    dialog = page.get_by_role("dialog", name="Xoá biểu mẫu?")
    expect(dialog).to_be_visible()
    inspect_page(page)
    page.keyboard.press("Escape")  # the dialog's own Esc: back to the form, nothing lost
    expect(dialog).to_be_hidden()
    expect(field(page, "dossier.code")).to_have_value("000.00.12.H56-200313-9999")
    field(page, "dossier.code").press("Escape")
    expect(dialog.get_by_role("link", name="Xoá biểu mẫu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(field(page, "dossier.code")).to_have_value("")
    expect(field(page, "service")).to_be_focused()


def test_the_form_and_its_quote_read_in_english(page, inspect_page, sign_in):
    sign_in(page, "clerk")
    page.goto("/counter/shipments/new")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New shipment")
    fill_slip(page, "000.00.12.H56-200313-0000")
    field(page, "weight_g").press("Tab")
    expect(page.locator("#quote")).to_contain_text("Local")
    expect(page.locator("#quote [data-total]")).to_be_visible()
    inspect_page(page)


def test_a_courier_cannot_open_the_counter(page, inspect_page, sign_in):
    sign_in(page, "courier")
    answer = page.goto("/counter/shipments/new")
    assert answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có quyền truy cập")
    inspect_page(page)


def test_signed_out_visitors_are_sent_to_sign_in_and_back(page):
    page.goto("/counter/shipments/new")
    expect(page).to_have_url(re.compile(r"/login\?next=/counter/shipments/new$"))
    page.locator("#username").fill("clerk")
    page.locator("#password").fill("demo-clerk")
    page.locator("#password").press("Enter")
    expect(page).to_have_url(re.compile("/counter/shipments/new$"))
