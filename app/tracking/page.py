"""The page a citizen reaches by scanning a label's QR code: {PUBLIC_BASE_URL}/t/<number>.

Server-rendered Vietnamese HTML from the same public view as GET /api/v1/track/<number>,
so it shows exactly what the API shows and nothing personal; no script, no outside assets.
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template_string

from app.errors import NotFound
from app.tracking import services
from app.tracking.limiter import rate_limited

bp = Blueprint("tracking_page", __name__)

_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tra cứu bưu gửi {{ v.tracking_number if v else "" }}</title>
<style>
 body{font-family:system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#222}
 h1{font-size:1.3rem} .status{font-size:1.2rem;font-weight:600}
 ol{list-style:none;padding:0} li{border-left:3px solid #0a6;padding:.3rem .8rem;margin:.4rem 0}
 time{color:#555;font-size:.9rem;display:block}
</style></head><body>
{% if v %}
<h1>Bưu gửi {{ v.tracking_number }}</h1>
<p>{{ v.service_label }}</p>
<p class="status">{{ v.status_label }}</p>
{% if v.due_date %}<p>Thời hạn phát: {{ v.due_date }}</p>{% endif %}
<ol>{% for e in v.events|reverse %}
 <li><time datetime="{{ e.occurred_at }}">{{ e.occurred_at[:16].replace("T", " ") }}</time>
 {{ e.label }}{% if e.reason %} — {{ e.reason }}{% endif %}{% if e.office %} · {{ e.office }}{% endif %}</li>
{% endfor %}</ol>
{% else %}
<h1>Không tìm thấy bưu gửi</h1>
<p>Không có bưu gửi nào với số hiệu này. Vui lòng kiểm tra lại số hiệu trên nhãn.</p>
{% endif %}
</body></html>
"""


@bp.get("/t/<tracking_number>")
@rate_limited
def page(tracking_number: str) -> Response:
    try:
        view = services.public_view(tracking_number)
    except NotFound:
        return Response(render_template_string(_PAGE, v=None), status=404, mimetype="text/html")
    return Response(render_template_string(_PAGE, v=view), mimetype="text/html",
                    headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
