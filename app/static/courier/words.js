// What the app says (Vietnamese): the server's refusal codes in the courier's words.
export const REFUSALS = {
  shipment_final: "Bưu gửi đã kết thúc (đã phát, đã trả hoặc đã hủy)",
  out_of_sequence: "Sai thứ tự: bưu gửi chưa qua bước trước đó",
  invalid_transition: "Không thể ghi sự kiện này ở trạng thái hiện tại",
  shipment_not_found: "Không tìm thấy bưu gửi hoặc không thuộc bưu cục của bạn",
  invalid_tracking_number: "Số hiệu không hợp lệ",
  occurred_in_future: "Giờ trên máy sai (ở tương lai): hãy chỉnh đồng hồ điện thoại",
  office_required: "Cần mã bưu cục cho sự kiện này",
  reason_required: "Cần lý do phát không thành công",
  scan_id_reused: "Mã lần quét bị dùng lại cho bưu gửi khác",
  invalid_scan: "Dữ liệu lần quét không hợp lệ",
  id_mismatch: "Giấy tờ không khớp người nhận: đã ghi phát không thành công, bưu gửi chờ tại bưu cục",
  authorization_required: "Người nhận thay cần số giấy ủy quyền",
  pickup_not_assigned: "Yêu cầu thu gom không còn được giao cho bạn",
  not_in_pickup: "Có bưu gửi không thuộc yêu cầu thu gom",
  other_courier: "Việc này được giao cho bưu tá khác",
};

export function refusal(code, detail) {
  return REFUSALS[code] ?? `Máy chủ từ chối (${code || "lỗi"}): ${detail || ""}`.trim();
}

export const EVENTS = {
  out_for_delivery: "Đang phát", accepted: "Nhận tại điểm thu gom", departed: "Rời bưu cục",
  arrived: "Đến bưu cục", delivery_failed: "Phát không thành công",
};

export const money = (vnd) => `${new Intl.NumberFormat("vi-VN").format(vnd)} ₫`;
export const clockTime = (iso) => new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
