import Foundation

/// A call file's header names in Chinese (SPEC section 6), read as their English names.
enum CallFileHeader {
    static let chinese: [String: String] = [
        "通话id": "call_id", "通话编号": "call_id",
        "坐席工号": "agent_code",
        "客户号码": "phone",
        "线索id": "lead_id", "线索编号": "lead_id",
        "开始时间": "started_at",
        "通话时长": "talk_seconds",
        "呼叫结果": "disposition",
        "回拨时间": "callback_at", "预约时间": "callback_at",
        "产品": "product", "保费": "premium", "被保人": "insured", "备注": "note",
    ]

    /// The header with each Chinese name replaced by its English one; other names as written.
    static func english(_ names: [String]) -> [String] {
        names.map { chinese[$0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()] ?? $0 }
    }
}
