"""What the courier app's scripts say, in the page's language: rendered into the app's page as
JSON (a data block, not a script), so the cached shell carries its words offline. Placeholders
in braces are filled by the app (words.js)."""
from __future__ import annotations

from flask_babel import gettext as _


def app_words() -> dict[str, str]:
    return {
        # the queue
        "queue_count": _("Chờ gửi: {count}"),
        "queue_waiting": _("{count} mục đang chờ gửi lên máy chủ."),
        "queue_empty": _("Đã gửi hết."),
        "not_today_short": _("ngoài danh sách hôm nay"),
        "delivered": _("Phát thành công"),
        "paid": _("Đã thu {amount}"),
        "pickup_done": _("Hoàn tất thu gom"),
        "pickup_label": _("thu gom {id}"),
        # today's work
        "today_loaded": _("Đã tải việc hôm nay lúc {time}."),
        "today_offline": _("Không có mạng: đang dùng danh sách tải lúc {time}."),
        "run_summary": _("{stops} điểm phát, khoảng {km} km."),
        "run_none": _("Chưa tải được việc hôm nay."),
        "leg": _("Cách điểm trước {km} km"),
        "collect": _("Thu: {amount}"),
        "call": _("Gọi {phone}"),
        "deliver": _("Phát"),
        "pickup_head": _("Yêu cầu số {id} · {agency} · {count} bưu gửi"),
        "complete": _("Hoàn tất"),
        "no_pickups": _("Không có yêu cầu thu gom."),
        # scanning
        "not_today": _("(không có trong việc hôm nay)"),
        "source_camera": _("camera"),
        "source_manual": _("nhập tay"),
        "camera_scan": _("Không mở được camera: hãy cho phép dùng camera hoặc nhập số hiệu bằng tay."),
        "bad_number": _("{number}: số hiệu sai (kiểm tra lại chữ số kiểm tra)."),
        "empty": _("(trống)"),
        # at the door
        "collect_from": _("Thu của người nhận: {amount}"),
        "id_ok": _("Khớp 4 số cuối giấy tờ đã ghi."),
        "id_warn": _("Cảnh báo: 4 số cuối không khớp giấy tờ đã ghi của người nhận."),
        "id_confirm": _("Nhấn “Xác nhận đã phát” lần nữa để vẫn ghi nhận; máy chủ sẽ kiểm tra."),
        "camera_cccd": _("Không mở được camera: hãy nhập họ tên và số CCCD."),
        "delivery_saved": _("{number}: đã lưu phát thành công, sẽ gửi khi có mạng."),
        "failed_saved": _("{number}: đã ghi phát không thành công. Hãy để lại giấy mời cho người nhận."),
        # pickups
        "picked": _("{number}: đã nhận"),
        "not_in_this_pickup": _("{number}: không thuộc yêu cầu này"),
        "camera_pickup": _("Không mở được camera: hãy đánh dấu bưu gửi đã nhận."),
        "pickup_choose": _("Chọn ít nhất một bưu gửi đã nhận."),
        "pickup_saved": _("Đã lưu hoàn tất thu gom số {id}, sẽ gửi khi có mạng."),
        # the shift and the network
        "expired": _("Phiên đăng nhập đã hết hạn: hãy đăng nhập lại khi có mạng. "
                     "Hàng đợi vẫn được giữ."),
        "expires_at": _("Phiên đăng nhập hết hạn lúc {time}: "
                        "hãy gửi hàng đợi và đăng nhập lại trước giờ đó."),
        "signed_out": _("Phiên đăng nhập đã kết thúc: hãy đăng nhập lại. Hàng đợi vẫn được giữ trên máy."),
        "signin_failed": _("Đăng nhập không được: kiểm tra tên, mật khẩu và kết nối mạng."),
        "online": _("Có mạng"),
        "offline": _("Mất mạng — vẫn làm việc bình thường"),
        "language_offline": _("Cần có mạng để đổi ngôn ngữ."),
        # events, as the scan screen names them
        "event_out_for_delivery": _("Đang phát"),
        "event_accepted": _("Nhận tại điểm thu gom"),
        "event_departed": _("Rời bưu cục"),
        "event_arrived": _("Đến bưu cục"),
        "event_delivery_failed": _("Phát không thành công"),
        # the server's refusals, in the courier's words
        "refused_shipment_final": _("Bưu gửi đã kết thúc (đã phát, đã trả hoặc đã hủy)"),
        "refused_out_of_sequence": _("Sai thứ tự: bưu gửi chưa qua bước trước đó"),
        "refused_invalid_transition": _("Không thể ghi sự kiện này ở trạng thái hiện tại"),
        "refused_shipment_not_found": _("Không tìm thấy bưu gửi hoặc không thuộc bưu cục của bạn"),
        "refused_invalid_tracking_number": _("Số hiệu không hợp lệ"),
        "refused_occurred_in_future": _("Giờ trên máy sai (ở tương lai): hãy chỉnh đồng hồ điện thoại"),
        "refused_office_required": _("Cần mã bưu cục cho sự kiện này"),
        "refused_reason_required": _("Cần lý do phát không thành công"),
        "refused_scan_id_reused": _("Mã lần quét bị dùng lại cho bưu gửi khác"),
        "refused_invalid_scan": _("Dữ liệu lần quét không hợp lệ"),
        "refused_id_mismatch": _("Giấy tờ không khớp người nhận: đã ghi phát không thành công, "
                                 "bưu gửi chờ tại bưu cục"),
        "refused_authorization_required": _("Người nhận thay cần số giấy ủy quyền"),
        "refused_pickup_not_assigned": _("Yêu cầu thu gom không còn được giao cho bạn"),
        "refused_not_in_pickup": _("Có bưu gửi không thuộc yêu cầu thu gom"),
        "refused_other_courier": _("Việc này được giao cho bưu tá khác"),
        "refused_nothing_due": _("Bưu gửi này không có khoản phải thu"),
        "refused_payment_recorded": _("Khoản thu của bưu gửi này đã được ghi trước đó"),
        "refused_depends_on_refused": _("Chưa ghi khoản thu vì việc phát không được máy chủ nhận: "
                                        "nộp tiền và xử lý tại bưu cục"),
        "refused_other": _("Máy chủ từ chối ({code}): {detail}"),
        "error": _("lỗi"),
    }
