/// Request ids: the client's `X-Request-Id` when it is a short token (so ids match across a chain of proxies),
/// otherwise 16 random hex digits.
enum RequestIDs {
    static func make(incoming: String?) -> String {
        if let incoming, (1...128).contains(incoming.utf8.count),
            incoming.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return incoming
        }
        var value = UInt64.random(in: .min ... .max)
        var digits = [UInt8](repeating: 0, count: 16)
        let hex = Array("0123456789abcdef".utf8)
        for index in (0..<16).reversed() {
            digits[index] = hex[Int(value & 0xF)]
            value >>= 4
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
