"""Error pages in the reader's language for every path outside /api/; the API keeps its
problem+json. The API's handlers still run first (logging, rollback), then the page replaces
their body, keeping their status and headers such as Allow and Retry-After."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, g, render_template
from flask_babel import lazy_gettext as _l

from app.web.layout import is_api_request

# (title, what to do), per status; any other 4xx reads as 400 and any other 5xx as 500.
PAGES = {
    400: (_l("Yêu cầu không hợp lệ"),
          _l("Trang không nhận được yêu cầu này. Hãy tải lại trang và thử lại.")),
    403: (_l("Không có quyền truy cập"),
          _l("Tài khoản của bạn không được mở trang này.")),
    404: (_l("Không tìm thấy trang"),
          _l("Địa chỉ này không có trên hệ thống. Hãy kiểm tra lại đường dẫn.")),
    429: (_l("Quá nhiều yêu cầu"),
          _l("Bạn đã gửi quá nhiều yêu cầu. Vui lòng chờ một lát rồi thử lại.")),
    500: (_l("Đã xảy ra lỗi"),
          _l("Hệ thống gặp lỗi ngoài dự kiến; chưa có gì được lưu. Vui lòng thử lại sau.")),
    503: (_l("Dịch vụ tạm ngừng"),
          _l("Hệ thống đang bảo trì hoặc quá tải. Vui lòng thử lại sau ít phút.")),
}
CSRF_PAGE = (_l("Biểu mẫu đã hết hạn"),
             _l("Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. "
                "Hãy tải lại trang và gửi lại."))


def init_app(app: Flask) -> None:
    """Wrap the app-wide handlers app.errors registered (by exception class or status code)."""
    for handlers in app.error_handler_spec[None].values():
        for exc_class, handler in list(handlers.items()):
            handlers[exc_class] = _as_page(handler)


def _as_page(handler: Callable[[Any], Any]) -> Callable[[BaseException], Response]:
    @wraps(handler)
    def wrapper(exc: BaseException) -> Response:
        response: Response = handler(exc)  # app.errors' handlers answer a problem+json Response
        if is_api_request():
            return response
        return error_page(response, csrf=_is_csrf_error(exc))

    return wrapper


def error_page(api_response: Response, *, csrf: bool = False) -> Response:
    status = api_response.status_code
    if status >= 500:
        g.web_user = None  # the database may be what failed: don't ask it who is signed in
    title, advice = CSRF_PAGE if csrf else PAGES.get(status) or PAGES[400 if status < 500 else 500]
    page = Response(render_template("errors/error.html", status=status, title=title, advice=advice),
                    status=status, mimetype="text/html")
    for name, value in api_response.headers.items():
        if name.lower() not in ("content-type", "content-length", "www-authenticate"):
            page.headers[name] = value
    return page


def _is_csrf_error(exc: BaseException) -> bool:
    from flask_wtf.csrf import CSRFError

    return isinstance(exc, CSRFError)
