import Foundation
import HTTPAuth
import UTCTime

/// A HAR 1.2 export (Chrome, Firefox, Safari, Playwright): its entries as ``HAREntry`` values, read one entry at a
/// time so that a broken entry, or a file cut short, costs only that entry. Each problem names its byte offset.
public struct HARFile: Sendable {
    public var creator: String?
    public var entries: [HAREntry]
    public var problems: [String]

    public static func read(path: String) throws -> HARFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigReadError(location: SourceLocation(file: path, line: 0), message: "cannot read \(path)") }
        return read(Array(data))
    }

    static func read(_ bytes: [UInt8]) -> HARFile {
        var file = HARFile(creator: nil, entries: [], problems: [])
        file.creator = creator(in: bytes)
        guard let key = find(Array("\"entries\"".utf8), in: bytes, from: 0), var index = bytes[key...].firstIndex(of: UInt8(ascii: "[")) else {
            file.problems.append("no log.entries array: not a HAR file")
            return file
        }
        index += 1
        var number = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "]") { break }
            if byte != UInt8(ascii: "{") {
                index += 1
                continue
            }
            guard let end = matchingBrace(bytes, from: index) else {
                file.problems.append("entry \(number + 1) at byte \(index) is cut short: the file ends inside it")
                break
            }
            do {
                let object = try JSONSerialization.jsonObject(with: Data(bytes[index...end]))
                if let entry = (object as? [String: Any]).flatMap(HAREntry.init) {
                    file.entries.append(entry)
                } else {
                    file.problems.append("entry \(number + 1) at byte \(index) is not a HAR entry (request, response, startedDateTime)")
                }
            } catch {
                file.problems.append("entry \(number + 1) at byte \(index) is not valid JSON: \(error.localizedDescription)")
            }
            number += 1
            index = end + 1
        }
        file.entries.sort { $0.started < $1.started }
        return file
    }

    /// The index of the `}` closing the object opening at `start`, skipping strings; nil when the input ends first.
    static func matchingBrace(_ bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    /// `log.creator` as "name version", read from the object before the entries.
    static func creator(in bytes: [UInt8]) -> String? {
        guard let key = find(Array("\"creator\"".utf8), in: bytes, from: 0), let open = bytes[key...].firstIndex(of: UInt8(ascii: "{")),
            let close = matchingBrace(bytes, from: open),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes[open...close])) as? [String: Any]
        else { return nil }
        return [object["name"] as? String, object["version"] as? String].compactMap { $0 }.joined(separator: " ")
    }
}

/// One request and response of a HAR, as an ``Exchange`` plus what a HAR adds: when it started, what the browser
/// fetched it as, where it redirected to.
public struct HAREntry: Sendable {
    public var started: Date
    public var exchange: Exchange
    /// Chrome's `_resourceType` (`document`, `fetch`, `xhr`, `preflight`, `websocket`, …), when present.
    public var resourceType: String?
    public var redirectURL: String?
    /// The request body as text (`postData.text`), for token requests; never printed.
    public var requestBody: String?

    init?(_ object: [String: Any]) {
        guard let request = object["request"] as? [String: Any], let response = object["response"] as? [String: Any],
            let urlText = request["url"] as? String,
            // Some exporters leave characters a URL must escape (a space, `|`, `{`): escape them rather than lose the entry.
            let url = URL(string: urlText) ?? urlText.addingPercentEncoding(withAllowedCharacters: Self.urlCharacters).flatMap(URL.init(string:))
        else { return nil }
        started = (object["startedDateTime"] as? String).flatMap(HAREntry.date) ?? .distantPast
        let status = response["status"] as? Int ?? (response["status"] as? String).flatMap { Int($0) } ?? 0
        func headers(_ list: Any?) -> [Exchange.Header] {
            ((list as? [[String: Any]]) ?? []).compactMap { item in
                guard let name = item["name"] as? String, let value = item["value"] as? String else { return nil }
                return Exchange.Header(name, value)
            }
        }
        var requestHeaders = headers(request["headers"])
        // HAR keeps HTTP/2 pseudo-headers and cookies separately; fold cookies in when the header itself is absent.
        requestHeaders.removeAll { $0.name.hasPrefix(":") }
        if !requestHeaders.contains(where: { $0.name.caseInsensitiveCompare("Cookie") == .orderedSame }),
            let cookies = request["cookies"] as? [[String: Any]], !cookies.isEmpty
        {
            let pairs = cookies.compactMap { cookie -> String? in
                guard let name = cookie["name"] as? String, let value = cookie["value"] as? String else { return nil }
                return "\(name)=\(value)"
            }
            requestHeaders.append(Exchange.Header("Cookie", pairs.joined(separator: "; ")))
        }
        var exchange = Exchange(
            purpose: "request", method: (request["method"] as? String) ?? "GET", url: url, requestHeaders: requestHeaders,
            status: status <= 0 ? nil : status, responseHeaders: headers(response["headers"]).filter { !$0.name.hasPrefix(":") })
        // Chrome writes status 0 and `_error`; Playwright -1 and `_failureText`.
        if status <= 0 { exchange.error = (response["_error"] as? String) ?? (object["_failureText"] as? String) ?? (response["_failureText"] as? String) ?? "no response (blocked or failed in the browser)" }
        if let content = response["content"] as? [String: Any], let text = content["text"] as? String, content["encoding"] as? String != "base64" {
            exchange.bodyPrefix = Array(text.utf8.prefix(4096))
        }
        self.exchange = exchange
        resourceType = object["_resourceType"] as? String
        redirectURL = (response["redirectURL"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        requestBody = (request["postData"] as? [String: Any])?["text"] as? String
    }

    /// The refresh token a token request redeems (`grant_type=refresh_token`, form or JSON body), if it is one.
    var redeemedRefreshToken: String? {
        guard exchange.method == "POST" else { return nil }
        // A refresh token held in a cookie, sent to a refresh endpoint (`/api/auth/refresh`, `RefreshTokenWithCookies`).
        if exchange.url.path.lowercased().contains("refresh") {
            for pair in exchange.requestValues("Cookie").joined(separator: ";").split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0].lowercased().contains("refresh"), !parts[1].isEmpty { return parts[1] }
            }
        }
        guard let body = requestBody, body.contains("refresh_token") else { return nil }
        if let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] {
            return object["refresh_token"] as? String
        }
        let fields = body.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        return fields.first { $0.first == "refresh_token" && $0.count == 2 }?.last?.removingPercentEncoding
    }

    /// Everything a URL may hold unescaped, and `%` (already escaped parts stay as they are).
    static let urlCharacters = CharacterSet.urlQueryAllowed.union(.urlPathAllowed).union(CharacterSet(charactersIn: "#%"))

    /// `startedDateTime`: ISO 8601 with or without fractions of a second, in any zone; fractions finer than a
    /// millisecond (some exporters write microseconds) are cut to milliseconds.
    static func date(_ text: String) -> Date? {
        // `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, read by hand: a formatter per entry cost more than the rest of
        // reading a large export.
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A,
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2), let minute = number(14, 2),
            let second = number(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if scale >= 0.001 { fraction += Double(bytes[index] - 0x30) * scale }   // milliseconds, finer cut
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x5A, 0x7A: index += 1
        case 0x2B, 0x2D:
            guard let hours = number(index + 1, 2), let minutes = number(index + (bytes.count > index + 3 && bytes[index + 3] == 0x3A ? 4 : 3), 2) else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == 0x2D ? -1 : 1)
            index += bytes.count > index + 3 && bytes[index + 3] == 0x3A ? 6 : 5
        default: return nil
        }
        guard index == bytes.count else { return nil }
        let fields = UTCCalendar.Fields(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        let seconds = UTCCalendar.seconds(fields) - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    var isPreflight: Bool {
        resourceType == "preflight" || (exchange.method == "OPTIONS" && !exchange.requestValues("Access-Control-Request-Method").isEmpty)
    }

    var isWebSocket: Bool {
        resourceType == "websocket" || exchange.requestValues("Upgrade").contains { $0.lowercased() == "websocket" }
    }

    /// A request a script made (fetch, XMLHttpRequest) rather than a page the browser navigated to: Chrome's
    /// resource type, or the `Sec-Fetch-Dest: empty` every browser sends for them.
    var isScriptRequest: Bool {
        ["fetch", "xhr"].contains(resourceType ?? "") || exchange.requestValues("Sec-Fetch-Dest").first?.lowercased() == "empty"
    }

    /// A script's request answered with a redirect to a login page: an API refused as if it were a page.
    var isLoginRedirectForScript: Bool {
        isScriptRequest && LoginRedirectForAPI.loginLocation(of: exchange) != nil
    }

    /// A WebSocket handshake the server refused for want of a credential: answered 401, or failed with the error
    /// Chromium gives such a handshake ("HTTP Authentication failed; no valid credentials available"), which it
    /// reports without the response.
    var isRefusedHandshake: Bool {
        guard isWebSocket else { return false }
        return exchange.status == 401 || (exchange.status ?? 0) <= 0 && (exchange.error ?? "").lowercased().contains("authentication failed")
    }
}
