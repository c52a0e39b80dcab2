import HTTPAuth

/// Request ids: the client's `X-Request-Id` when it is a short token (so ids match across a chain of proxies),
/// otherwise 16 random hex digits.
enum RequestIDs {
    static func make(incoming: String?) -> String {
        if let incoming, (1...128).contains(incoming.utf8.count),
            incoming.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        {
            return incoming
        }
        var generator = SystemRandomNumberGenerator()
        return hexString((0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
