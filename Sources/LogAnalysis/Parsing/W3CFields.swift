import Foundation

/// The layout of a W3C extended log, the format IIS writes (`u_exYYMMDD.log`), as its `#Fields:` directive names it:
/// fields separated by one space, `-` for an empty field, `+` for the spaces inside the user agent, the time in UTC.
/// IIS writes the directive block again when the site restarts or its logged fields change, so one file may hold
/// several layouts; a line is read with the last layout before it.
/// (https://learn.microsoft.com/en-us/windows/win32/http/w3c-logging,
/// https://www.w3.org/TR/WD-logfile.html)
struct W3CFields: Sendable, Hashable {
    /// The index of each field a report reads (-1 when the layout lacks it).
    private let date, time, client, user, stem, userAgent, status, subStatus, win32Status, forwardedFor: Int
    /// How many fields the layout has.
    private let fieldCount: Int
    /// The fields up to this one are found from the line's start, the ones after it from its end: the user agent,
    /// the longest field, is then never searched for spaces (the last field without a user agent).
    private let pivot: Int

    /// The fields IIS 8.0 and later log by default, for a file whose directive block is missing.
    static let iisDefault = W3CFields(
        names: "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken")!

    /// Reads the names after `#Fields:`; nil when they have no `sc-status`, without which nothing can be counted.
    init?(names text: some StringProtocol) {
        let names = text.split(separator: " ", omittingEmptySubsequences: true).map { $0.lowercased() }
        func index(_ name: String) -> Int { names.firstIndex(of: name) ?? -1 }
        status = index("sc-status")
        guard status >= 0 else { return nil }
        date = index("date")
        time = index("time")
        client = index("c-ip")
        user = index("cs-username")
        stem = index("cs-uri-stem")
        userAgent = index("cs(user-agent)")
        subStatus = index("sc-substatus")
        win32Status = index("sc-win32-status")
        // A custom field logging `X-Forwarded-For` (IIS 8.5 and later), behind a load balancer whose address `c-ip` holds.
        forwardedFor = index("x-forwarded-for")
        fieldCount = names.count
        pivot = userAgent >= 0 ? userAgent : names.count - 1
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
        var fields = AccessFields()
        return parse(line, into: &fields, clock: &clock) ? fields : nil
    }

    /// ``parse(_:clock:)`` into a caller's fields (no copy of the fields per line); false when the line does not fit.
    /// Where each field starts is found (``SpaceScanner``) from the start up to the user agent and from the end after
    /// it, then only the fields a report reads are looked at. IIS writes a space inside no field (`+` in the user agent
    /// and the referrer), so a line has as many fields as its `#Fields:` directive names.
    func parse(_ line: UnsafeRawBufferPointer, into fields: inout AccessFields, clock: inout MinuteClock) -> Bool {
        guard line.baseAddress != nil else { return false }
        // Spaces after the last field (a hand-edited or re-exported file) would count as empty fields from the end.
        var length = line.count
        while length > 0, line[length - 1] == 0x20 { length -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: line[..<length])
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: fieldCount + 1) { starts in
            // Field i is starts[i] ..< starts[i + 1] - 1.
            var spaces = SpaceScanner(line)
            starts[0] = 0
            for index in stride(from: 1, through: pivot, by: 1) {
                guard let space = spaces.next() else { return false }
                starts[index] = space + 1
            }
            starts[fieldCount] = line.count + 1
            for index in stride(from: fieldCount - 1, to: pivot, by: -1) {
                // A line with fewer fields than the layout: the spaces found from the end reach the ones found from the start.
                guard let space = spaces.previous(), space + 1 > starts[pivot] else { return false }
                starts[index] = space + 1
            }
            /// The field at `index`; nil when the layout lacks it or the line has `-` (empty).
            @inline(__always) func field(_ index: Int) -> Range<Int>? {
                guard index >= 0 else { return nil }
                let range = starts[index]..<(starts[index + 1] - 1)
                return range.isEmpty || (range.count == 1 && line[range.lowerBound] == 0x2D) ? nil : range
            }
            guard let statusField = field(status), statusField.count == 3, let code = Self.number(line, statusField) else { return false }
            fields.status = code
            if let date = field(date), let time = field(time) {
                fields.minute = clock.w3cTime(date: UnsafeRawBufferPointer(rebasing: line[date]), time: UnsafeRawBufferPointer(rebasing: line[time]))
            }
            if let forwarded = field(forwardedFor) {
                // The first address is the client's (`203.0.113.51,+10.0.0.4`: the load balancer appended its own).
                let end = forwarded.first { line[$0] == 0x2C || line[$0] == 0x2B } ?? forwarded.upperBound
                fields.client = forwarded.lowerBound..<end
            } else if let client = field(client) {
                fields.client = client
            }
            fields.user = field(user)
            fields.path = field(stem)
            fields.userAgent = field(userAgent)
            fields.subStatus = field(subStatus).flatMap { Self.number(line, $0) }
            fields.win32Status = field(win32Status).flatMap { Self.number(line, $0) }
            return true
        }
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
