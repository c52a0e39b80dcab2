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
    /// IIS writes a space inside no field (`+` in the user agent and the referrer), so a line has as many fields as its
    /// `#Fields:` directive names: where they end is taken from the line's `spaces` when the assembler noted them and
    /// they are as many as the layout's, else found here (``findSpaces(_:_:)``). Then only the fields a report reads are
    /// looked at.
    func parse(_ line: UnsafeRawBufferPointer, spaces: LineSpaces? = nil, into fields: inout AccessFields, clock: inout MinuteClock) -> Bool {
        guard line.baseAddress != nil else { return false }
        // A space at the end (a hand-edited or re-exported file) would count as an empty field.
        if let spaces, spaces.count == fieldCount - 1, line.last != 0x20 {
            return read(line, FieldBounds(spaces: spaces, end: line.count), into: &fields, clock: &clock)
        }
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: fieldCount) { found in
            guard let end = findSpaces(line, found) else { return false }
            let spaces = LineSpaces(offsets: UnsafeBufferPointer(rebasing: found[..<(fieldCount - 1)]), lineStart: 0)
            return read(line, FieldBounds(spaces: spaces, end: end), into: &fields, clock: &clock)
        }
    }

    /// Where the fields of a line end: its spaces, one fewer than the layout's fields, then the line's end.
    private struct FieldBounds {
        let spaces: LineSpaces
        let end: Int

        /// Field `index`'s bytes.
        @inline(__always) func range(_ index: Int) -> Range<Int> {
            (index == 0 ? 0 : spaces[index - 1] + 1)..<(index == spaces.count ? end : spaces[index])
        }
    }

    /// The spaces between the fields of `line` (into `spaces`), found from the start up to the ``pivot`` and from
    /// the end after it, so that the user agent, the longest field, is never searched (and a space inside it, which
    /// IIS never writes, does not shift the fields after it); the end of the last field, before any spaces that
    /// trail it; nil when the line has fewer fields than the layout.
    private func findSpaces(_ line: UnsafeRawBufferPointer, _ spaces: UnsafeMutableBufferPointer<UInt32>) -> Int? {
        var length = line.count
        while length > 0, line[length - 1] == 0x20 { length -= 1 }
        var scanner = SpaceScanner(UnsafeRawBufferPointer(rebasing: line[..<length]))
        for index in stride(from: 0, to: pivot, by: 1) {
            guard let space = scanner.next() else { return nil }
            spaces[index] = UInt32(space)
        }
        for index in stride(from: fieldCount - 2, through: pivot, by: -1) {
            // A line with fewer fields than the layout: the spaces found from the end reach the ones found from the start.
            guard let space = scanner.previous(), pivot == 0 || space > Int(spaces[pivot - 1]) else { return nil }
            spaces[index] = UInt32(space)
        }
        return length
    }

    /// The fields a report reads (of a line that is not a refusal, only the status, time, client and user); false when
    /// the status is not three digits.
    @inline(__always) private func read(_ line: UnsafeRawBufferPointer, _ bounds: FieldBounds, into fields: inout AccessFields, clock: inout MinuteClock) -> Bool {
        /// The field at `index`; nil when the layout lacks it or the line has `-` (empty).
        @inline(__always) func field(_ index: Int) -> Range<Int>? {
            guard index >= 0 else { return nil }
            let range = bounds.range(index)
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
        // Only a refusal's path, user agent and IIS codes are reported: three lines in four are read without them.
        guard AccessFields.isRefusal(code) else { return true }
        fields.path = field(stem)
        fields.userAgent = field(userAgent)
        fields.subStatus = field(subStatus).flatMap { Self.number(line, $0) }
        fields.win32Status = field(win32Status).flatMap { Self.number(line, $0) }
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

extension String {
    /// The text with each `+` read as a space, as W3C logs write the spaces of a field.
    func replacingPlusWithSpace() -> String {
        contains("+") ? String(decoding: utf8.map { $0 == 0x2B ? 0x20 : $0 }, as: UTF8.self) : self
    }
}
