"""The page behind a label's QR code ({PUBLIC_BASE_URL}/t/<number>): what a citizen's phone
opens. Same public view as the API, nothing personal, no outside resources."""
from __future__ import annotations

from urllib.parse import urlsplit


def test_the_qr_link_of_a_label_opens_a_vietnamese_tracking_page(app, client, walk, make_shipment):
    from app.labels.values import tracking_url

    tn = make_shipment.number("agency")
    walk(tn, "accepted")
    path = urlsplit(tracking_url(app.config["PUBLIC_BASE_URL"], tn)).path
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert tn in html
    assert "Bưu điện đã nhận bưu gửi" in html and "Bưu cục Bỉm Sơn" in html
    for private in ("0912345678", "038090001234", "Thôn Đông", "Trích lục khai sinh", "Văn Ất"):
        assert private not in html
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_an_unknown_or_malformed_number_gets_the_same_404_page(client):
    unknown = client.get("/t/HB999999995VN")  # well-formed, never issued
    malformed = client.get("/t/not-a-number")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.get_data() == malformed.get_data()
    assert "Không tìm thấy bưu gửi" in unknown.get_data(as_text=True)
