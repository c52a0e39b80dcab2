import Foundation
import HTTPAuth
import UTCTime

/// One request the probe sent and the response it got, as the rules read them. Header values are kept as received;
/// reports redact credentials when they print them.
public struct Exchange: Sendable, Hashable {
    /// Why this request was sent: `request` (as the user's client would), `redirect`, `without-credentials`,
    /// `digest`, `repeat`, `https`, `preflight`, `resend-after-redirect`.
    public var purpose: String
    public var method: String
    public var url: URL
    public var requestHeaders: [Header]
    /// nil when no response came (see ``error``).
    public var status: Int?
    public var responseHeaders: [Header]
    /// The first bytes of the body (at most 4 KiB).
    public var bodyPrefix: [UInt8]
    /// Why no response came: a timeout, a refused connection, a TLS failure.
    public var error: String?
    public var elapsedMilliseconds: Int

    /// A header field as sent or received, name as spelled.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }

        /// Whether the field carries a secret by its name: `Authorization`, cookies, and the custom names APIs use
        /// for keys and tokens (`X-API-Key`, `X-Auth-Token`, `api_key`, `X-Session-Secret`…). Challenges
        /// (`WWW-Authenticate`) and `Sec-WebSocket-Key` are not secrets.
        public var carriesCredential: Bool { Self.namesCredential(name) }

        /// The rule of ``carriesCredential`` for any name, a header's or a query parameter's (`api_key`,
        /// `access_token`).
        public static func namesCredential(_ name: String) -> Bool {
            let name = name.lowercased().replacingOccurrences(of: "_", with: "-")
            if name.hasSuffix("authenticate") || name == "authentication-info" || name.hasPrefix("sec-") { return false }
            // `Remote-User`, `X-Forwarded-User`: the identity a trusted proxy asserts, which the application believes.
            return name == "cookie" || name == "set-cookie" || name == "remote-user" || name.hasSuffix("-forwarded-user")
                || ["auth", "key", "token", "secret", "password", "session", "credential", "signature"].contains { name.contains($0) }
        }
    }

    public init(
        purpose: String, method: String, url: URL, requestHeaders: [Header], status: Int?, responseHeaders: [Header],
        bodyPrefix: [UInt8] = [], error: String? = nil, elapsedMilliseconds: Int = 0
    ) {
        self.purpose = purpose
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.status = status
        self.responseHeaders = responseHeaders
        self.bodyPrefix = bodyPrefix
        self.error = error
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    /// Every value of a request header (names ignore case).
    public func requestValues(_ name: String) -> [String] {
        requestHeaders.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// Every value of a response header (names ignore case).
    public func responseValues(_ name: String) -> [String] {
        responseHeaders.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The response's `Date`, the server's clock.
    public var serverDate: Date? {
        responseValues("Date").first.flatMap(HTTPDate.parse)
    }

    /// The origin (scheme, host, port) of the URL, as browsers and curl compare them.
    public var origin: String { Origin.of(url) }
}

/// RFC 9110 §5.6.7 dates (IMF-fixdate), the form servers send, and the looser forms of cookie `Expires`.
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        imfFixdate(text) ?? date(text, format: "EEE, dd MMM yyyy HH:mm:ss zzz")
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, read by hand: the form every server sends, read once per exchange.
    static func imfFixdate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, bytes[3] == 0x2C, bytes[4] == 0x20, bytes[7] == 0x20, bytes[11] == 0x20, bytes[16] == 0x20, bytes[19] == 0x3A,
            bytes[22] == 0x3A, bytes[25] == 0x20, Array(bytes[26...]) == Array("GMT".utf8),
            let month = months.firstIndex(of: String(decoding: bytes[8..<11], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } : nil
        }
        guard let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19), let minute = number(20..<22), let second = number(23..<25),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let fields = UTCCalendar.Fields(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        return Date(timeIntervalSince1970: TimeInterval(UTCCalendar.seconds(fields)))
    }

    /// Cookie `Expires` as servers write it: IMF-fixdate, the Netscape form with dashes (`Wed, 09-Jun-2027
    /// 10:18:14 GMT`) and RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`).
    static func parseCookieDate(_ text: String) -> Date? {
        ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEE, dd-MMM-yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz"].lazy
            .compactMap { date(text, format: $0) }.first
    }

    private static func date(_ text: String, format: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = format
        return formatter.date(from: text)
    }
}

/// Origins: `scheme://host:port` with the default port made explicit; request targets as sent.
enum Origin {
    /// The path (trailing slash kept, which `URL.path` drops) and query, as they go on the request line.
    static func target(of url: URL) -> String {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        let path = components?.percentEncodedPath ?? "/"
        return (path.isEmpty ? "/" : path) + (components?.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    static func of(_ url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? "http"
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\((url.host ?? "").lowercased()):\(port)"
    }
}
