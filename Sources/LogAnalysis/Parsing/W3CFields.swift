import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The layout of a W3C extended log, the format IIS writes (`u_exYYMMDD.log`), as its `#Fields:` directive names it:
/// fields separated by one space, `-` for an empty field, `+` for the spaces inside the user agent, the time in UTC.
/// IIS writes the directive block again when the site restarts or its logged fields change, so one file may hold
/// several layouts; a line is read with the last layout before it.
/// (https://learn.microsoft.com/en-us/windows/win32/http/w3c-logging,
/// https://www.w3.org/TR/WD-logfile.html)
struct W3CFields: Sendable, Hashable {
    /// What a report reads from each field, up to the last one it needs: a line is split no further.
    private let layout: [Slot]
    private var last: Int { layout.count - 1 }

    /// The fields IIS 8.0 and later log by default, for a file whose directive block is missing.
    static let iisDefault = W3CFields(
        names: "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken")!

    /// Reads the names after `#Fields:`; nil when they have no `sc-status`, without which nothing can be counted.
    init?(names text: some StringProtocol) {
        let names = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard index("sc-status") != nil else { return nil }
        let read: [(Int?, Slot)] = [
            (index("date"), .date), (index("time"), .time), (index("c-ip"), .client), (index("cs-username"), .user),
            (index("cs-uri-stem"), .stem), (index("cs(user-agent)"), .userAgent), (index("sc-status"), .status),
            (index("sc-substatus"), .subStatus), (index("sc-win32-status"), .win32Status),
            // A custom field logging `X-Forwarded-For` (IIS 8.5 and later), behind a load balancer whose address `c-ip` holds.
            (index("x-forwarded-for"), .forwardedFor),
        ]
        var layout = [Slot](repeating: .skip, count: (read.compactMap(\.0).max() ?? 0) + 1)
        for case let (index?, slot) in read { layout[index] = slot }
        self.layout = layout
    }

    /// The layout of the first `#Fields:` directive among `lines`.
    static func first(in lines: [String]) -> W3CFields? {
        lines.first { $0.hasPrefix("#Fields:") }.flatMap { W3CFields(names: $0.dropFirst("#Fields:".count)) }
    }

    /// The layout a `#Fields:` directive line gives, or nil for any other line.
    init?(directive line: UnsafeRawBufferPointer) {
        let prefix = Array("#Fields:".utf8)
        guard line.count > prefix.count, line.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        self.init(names: String(decoding: line.dropFirst(prefix.count), as: UTF8.self))
    }

    /// What a report reads from a field.
    enum Slot: UInt8, Sendable {
        case skip, date, time, client, user, stem, userAgent, status, subStatus, win32Status, forwardedFor
    }

    /// The fields of one line, or nil when it has fewer fields than the layout reads or no three-digit status. One
    /// pass: each field found with `memchr`, kept only when a report reads it.
    func parse(_ line: UnsafeRawBufferPointer, clock: inout MinuteClock) -> AccessFields? {
        var fields = AccessFields()
        return parse(line, into: &fields, clock: &clock) ? fields : nil
    }

    /// ``parse(_:clock:)`` into a caller's fields (no copy of the fields per line); false when the line does not fit.
    func parse(_ line: UnsafeRawBufferPointer, into fields: inout AccessFields, clock: inout MinuteClock) -> Bool {
        guard let base = line.baseAddress else { return false }
        var date: Range<Int>?
        var time: Range<Int>?
        var forwarded: Range<Int>?
        var statusSeen = false
        var start = 0
        for index in 0...last {
            guard start <= line.count else { return false }
            let end = memchr(base + start, 0x20, line.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? line.count
            defer { start = end + 1 }
            let slot = layout[index]
            if slot == .skip { continue }
            // `-` is an empty field.
            let range: Range<Int>? = end > start && !(end - start == 1 && line[start] == 0x2D) ? start..<end : nil
            switch slot {
            case .skip: break
            case .date: date = range
            case .time: time = range
            case .client: if let range { fields.client = range }
            case .user: fields.user = range
            case .stem: fields.path = range
            case .userAgent: fields.userAgent = range
            case .status:
                guard let range, range.count == 3, let status = Self.number(line, range) else { return false }
                fields.status = status
                statusSeen = true
            case .subStatus: fields.subStatus = range.flatMap { Self.number(line, $0) }
            case .win32Status: fields.win32Status = range.flatMap { Self.number(line, $0) }
            case .forwardedFor: forwarded = range
            }
        }
        guard statusSeen else { return false }
        if let date, let time {
            fields.minute = clock.w3cTime(date: UnsafeRawBufferPointer(rebasing: line[date]), time: UnsafeRawBufferPointer(rebasing: line[time]))
        }
        if let forwarded {
            // The first address is the client's (`203.0.113.51,+10.0.0.4`: the load balancer appended its own).
            let end = forwarded.first { line[$0] == 0x2C || line[$0] == 0x2B } ?? forwarded.upperBound
            fields.client = forwarded.lowerBound..<end
        }
        return true
    }

    /// A decimal field of at most 10 digits.
    @inline(__always) private static func number(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard range.count <= 10 else { return nil }
        var value = 0
        for offset in range {
            let digit = line[offset] &- 0x30
            guard digit <= 9 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}
