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
    /// How many fields a line has.
    let count: Int
    let date: Int?
    let time: Int?
    let client: Int?
    let user: Int?
    let stem: Int?
    let userAgent: Int?
    let status: Int
    let subStatus: Int?
    let win32Status: Int?
    /// A custom field logging `X-Forwarded-For` (IIS 8.5 and later), behind a load balancer whose address `c-ip` holds.
    let forwardedFor: Int?
    /// The last field a report reads: a line is split no further.
    private let last: Int

    /// The fields IIS 8.0 and later log by default, for a file whose directive block is missing.
    static let iisDefault = W3CFields(
        names: "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken")!

    /// Reads the names after `#Fields:`; nil when they have no `sc-status`, without which nothing can be counted.
    init?(names text: some StringProtocol) {
        let names = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let status = index("sc-status") else { return nil }
        count = names.count
        date = index("date")
        time = index("time")
        client = index("c-ip")
        user = index("cs-username")
        stem = index("cs-uri-stem")
        userAgent = index("cs(user-agent)")
        self.status = status
        subStatus = index("sc-substatus")
        win32Status = index("sc-win32-status")
        forwardedFor = index("x-forwarded-for")
        last = [date, time, client, user, stem, userAgent, status, subStatus, win32Status, forwardedFor].compactMap { $0 }.max() ?? status
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

    /// The fields of one line, or nil when it has fewer fields than the layout reads or no three-digit status.
    func parse(_ line: UnsafeRawBufferPointer, clock: inout MinuteClock) -> AccessFields? {
        withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: last + 1) { ranges in
            parse(line, into: ranges, clock: &clock)
        }
    }

    private func parse(_ line: UnsafeRawBufferPointer, into ranges: UnsafeMutableBufferPointer<Range<Int>>, clock: inout MinuteClock) -> AccessFields? {
        guard let base = line.baseAddress else { return nil }
        var start = 0
        for index in 0...last {
            guard start <= line.count else { return nil }
            let end = memchr(base + start, 0x20, line.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? line.count
            ranges[index] = start..<end
            start = end + 1
        }
        func present(_ index: Int?) -> Range<Int>? {
            guard let index, !ranges[index].isEmpty, !(ranges[index].count == 1 && line[ranges[index].lowerBound] == 0x2D) else { return nil }
            return ranges[index]
        }
        func number(_ index: Int?) -> Int? {
            guard let range = present(index), range.count <= 10 else { return nil }
            var value = 0
            for offset in range {
                guard line[offset] >= 0x30, line[offset] <= 0x39 else { return nil }
                value = value * 10 + Int(line[offset] - 0x30)
            }
            return value
        }
        guard ranges[status].count == 3, let status = number(status) else { return nil }
        var fields = AccessFields()
        fields.status = status
        fields.subStatus = number(subStatus)
        fields.win32Status = number(win32Status)
        if let date = present(date), let time = present(time) {
            fields.minute = clock.w3cTime(date: UnsafeRawBufferPointer(rebasing: line[date]), time: UnsafeRawBufferPointer(rebasing: line[time]))
        }
        if let forwarded = present(forwardedFor) {
            // The first address is the client's (`203.0.113.51,+10.0.0.4`: the load balancer appended its own).
            let end = forwarded.first { line[$0] == 0x2C || line[$0] == 0x2B } ?? forwarded.upperBound
            fields.client = forwarded.lowerBound..<end
        } else if let client = present(client) {
            fields.client = client
        }
        fields.user = present(user)
        fields.pathText = present(stem).map { line.text($0) }
        fields.userAgent = present(userAgent)
        return fields
    }
}
