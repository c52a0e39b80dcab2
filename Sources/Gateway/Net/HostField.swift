import HTTPAuth

/// The `Host` rules of RFC 9112 §3.2: a request carries exactly one `Host`, and its value is `uri-host [":" port]`
/// (RFC 3986 §3.2.2), so `Host: user@host`, a path or a space in it, or a second `Host` line is answered 400, as
/// the RFC requires. Two servers that pick different `Host` lines, or read userinfo differently, route one request
/// two ways (cache poisoning, virtual-host confusion).
enum HostField {
    /// What is wrong with the request's `Host` lines, or nil: `authority` is the first `Host` (HTTP/1.1's codec
    /// moves it there) and `others` the further `Host` lines left among the fields.
    static func problem(authority: String?, others: Int) -> String? {
        guard others == 0 else { return "the request has \(others + 1) Host lines; RFC 9112 §3.2 allows one" }
        guard let authority else { return "the request has no Host; RFC 9112 §3.2 requires one" }
        return isValid(authority) ? nil : "the Host value is not host[:port]"
    }

    /// `IP-literal / IPv4address / reg-name`, then an optional `:` and digits; read byte by byte (it runs on every
    /// request).
    static func isValid(_ authority: String) -> Bool {
        var host = Substring(authority).utf8
        if let colon = host.lastIndex(of: UInt8(ascii: ":")), host.first != UInt8(ascii: "[") || host[..<colon].last == UInt8(ascii: "]") {
            guard host[host.index(after: colon)...].allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return false }
            host = host[..<colon]
        }
        if host.first == UInt8(ascii: "[") {
            guard host.last == UInt8(ascii: "]"), host.count > 2 else { return false }
            return host.dropFirst().dropLast().allSatisfy { $0.hexDigitValue != nil || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        var escape = 0
        for byte in host {
            if escape > 0 {
                guard byte.hexDigitValue != nil else { return false }
                escape -= 1
            } else if byte == UInt8(ascii: "%") {
                escape = 2
            } else if !(byte.isASCIIAlphanumeric || regNameSymbols.contains(byte)) {
                return false
            }
        }
        return escape == 0
    }

    /// `unreserved / sub-delims` besides letters and digits (RFC 3986 §3.2.2 `reg-name`).
    private static let regNameSymbols: Set<UInt8> = Set("-._~!$&'()*+,;=".utf8)
}
