"""Vietnamese words of public tracking: services, statuses, events and failure reasons."""
from __future__ import annotations

from app.shipments.models import Service, Status

SERVICE_LABELS = {
    Service.intake: "Gửi hồ sơ thủ tục hành chính",
    Service.return_: "Trả kết quả thủ tục hành chính",
    Service.both: "Gửi hồ sơ và nhận kết quả thủ tục hành chính",
}

STATUS_LABELS = {
    Status.created: "Đã ghi nhận thông tin, chờ bưu điện nhận",
    Status.accepted: "Bưu điện đã nhận",
    Status.in_transit: "Đang vận chuyển",
    Status.out_for_delivery: "Đang phát",
    Status.awaiting_collection: "Phát chưa thành công, chờ nhận tại bưu cục",
    Status.delivered: "Đã phát thành công",
    Status.returned: "Đã chuyển trả cơ quan",
    Status.cancelled: "Đã hủy",
}

EVENT_LABELS = {
    "created": "Ghi nhận thông tin bưu gửi",
    "accepted": "Bưu điện đã nhận bưu gửi",
    "arrived": "Đến bưu cục",
    "departed": "Rời bưu cục",
    "out_for_delivery": "Bưu tá đang đi phát",
    "delivery_failed": "Phát không thành công, đã để lại giấy mời",
    "delivered": "Phát thành công",
    "returned": "Chuyển trả cơ quan",
    "cancelled": "Hủy bưu gửi",
}

REASON_LABELS = {  # Luật Bưu chính Điều 17
    "address_incorrect": "Địa chỉ người nhận không chính xác",
    "addressee_moved": "Người nhận đã chuyển đi nơi khác",
    "addressee_unknown": "Không tìm thấy người nhận",
    "addressee_absent": "Người nhận vắng mặt",
    "refused": "Người nhận từ chối nhận",
    "id_mismatch": "Giấy tờ tùy thân không khớp với người nhận",
    "not_collected": "Người nhận chưa đến nhận",
}
