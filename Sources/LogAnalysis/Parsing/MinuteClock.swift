import Foundation
import UTCTime

#if canImport(Glibc)
import Glibc
#endif

/// Turns log timestamps into minutes since 1970 (UTC), the resolution of the report's timeline. The common log
/// format's `10/Oct/2000:13:55:36 -0700` is parsed by hand and cached by its minute, since consecutive lines
/// nearly always share it.
struct MinuteClock {
    private var lastKey = [UInt8](repeating: 0, count: 26)
    private var lastMinute: Int?

    /// `dd/Mon/yyyy:HH:MM:SS ±hhmm` (Apache `%t`, nginx `$time_local`).
    mutating func commonLogTime(_ text: UnsafeRawBufferPointer) -> Int? {
        guard text.count == 26, let base = text.baseAddress else { return nil }
        let same = lastKey.withUnsafeBytes { key in
            memcmp(key.baseAddress!, base, 17) == 0 && memcmp(key.baseAddress! + 20, base + 20, 6) == 0
        }
        if same, let lastMinute { return lastMinute }
        guard let day = Self.digits(text, 0, 2), let month = Self.month(text[3], text[4], text[5]), let year = Self.digits(text, 7, 4),
            let hour = Self.digits(text, 12, 2), let minute = Self.digits(text, 15, 2), let zoneHours = Self.digits(text, 22, 2),
            let zoneMinutes = Self.digits(text, 24, 2), text[21] == 0x2B || text[21] == 0x2D
        else { return nil }
        let offset = (zoneHours * 60 + zoneMinutes) * (text[21] == 0x2D ? -1 : 1)
        let result = UTCCalendar.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute - offset
        lastKey.withUnsafeMutableBytes { key in _ = memcpy(key.baseAddress!, base, 26) }
        lastMinute = result
        return result
    }

    /// W3C extended logs (IIS): `2026-11-24` and `05:23:08`, in UTC; cached by the date and the minute.
    mutating func w3cTime(date: UnsafeRawBufferPointer, time: UnsafeRawBufferPointer) -> Int? {
        guard date.count == 10, time.count >= 5, let dateBase = date.baseAddress, let timeBase = time.baseAddress else { return nil }
        let same = lastKey.withUnsafeBytes { key in
            memcmp(key.baseAddress!, dateBase, 10) == 0 && memcmp(key.baseAddress! + 10, timeBase, 5) == 0
        }
        if same, let lastMinute { return lastMinute }
        guard let year = Self.digits(date, 0, 4), let month = Self.digits(date, 5, 2), let day = Self.digits(date, 8, 2),
            let hour = Self.digits(time, 0, 2), let minute = Self.digits(time, 3, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let result = UTCCalendar.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute
        lastKey.withUnsafeMutableBytes { key in
            _ = memcpy(key.baseAddress!, dateBase, 10)
            _ = memcpy(key.baseAddress! + 10, timeBase, 5)
        }
        lastMinute = result
        return result
    }

    /// ISO 8601 (`2026-11-24T05:23:08Z`, fractions and `±hh:mm` allowed), nginx's `$time_iso8601` and the gateway's.
    static func iso8601(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { text -> Int? in
            guard text.count >= 16, let year = digits(text, 0, 4), let month = digits(text, 5, 2), let day = digits(text, 8, 2),
                let hour = digits(text, 11, 2), let minute = digits(text, 14, 2)
            else { return nil }
            var offset = 0
            if let sign = text.lastIndex(where: { $0 == 0x2B || $0 == 0x2D }), sign > 16, text.count - sign == 6 || text.count - sign == 5 {
                let compact = text.count - sign == 5
                if let hours = digits(text, sign + 1, 2), let minutes = digits(text, sign + (compact ? 3 : 4), 2) {
                    offset = (hours * 60 + minutes) * (text[sign] == 0x2D ? -1 : 1)
                }
            }
            return UTCCalendar.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute - offset
        }
    }

    /// nginx error logs: `2026/11/24 05:23:08`, in the server's local time (this machine's zone, `TZ`).
    static func slashed(_ text: Substring, zone: TimeZone = .current) -> Int? {
        let bytes = Array(text.utf8.prefix(16))
        return bytes.withUnsafeBytes { text -> Int? in
            guard text.count == 16, let year = digits(text, 0, 4), let month = digits(text, 5, 2), let day = digits(text, 8, 2),
                let hour = digits(text, 11, 2), let minute = digits(text, 14, 2)
            else { return nil }
            return fromLocal(UTCCalendar.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute, zone: zone)
        }
    }

    /// Apache error logs: `Tue Nov 24 05:23:08.123456 2026`, in the server's local time (this machine's zone, `TZ`).
    static func apacheError(_ text: Substring, zone: TimeZone = .current) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count == 5, let day = Int(parts[2]), let year = Int(parts[4]) else { return nil }
        let month = Array(parts[1].utf8)
        let clock = parts[3].split(separator: ":")
        guard month.count == 3, let number = Self.month(month[0], month[1], month[2]), clock.count >= 2,
            let hour = Int(clock[0]), let minute = Int(clock[1])
        else { return nil }
        return fromLocal(UTCCalendar.days(year: year, month: number, day: day) * 1440 + hour * 60 + minute, zone: zone)
    }

    /// A minute of local wall-clock time in `zone` as a minute since 1970 UTC. Error logs carry no zone; the server
    /// wrote them in its local time, which is taken to be this machine's (run with `TZ=…` for logs from elsewhere).
    static func fromLocal(_ minute: Int, zone: TimeZone) -> Int {
        guard zone.secondsFromGMT() != 0 || zone.nextDaylightSavingTimeTransition != nil else { return minute }
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(minute * 60))) / 60
        return minute - offset
    }

    static func digits(_ text: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= text.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            let byte = text[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func month(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        switch (a | 0x20, b | 0x20, c | 0x20) {
        case (0x6A, 0x61, 0x6E): 1  // jan
        case (0x66, 0x65, 0x62): 2  // feb
        case (0x6D, 0x61, 0x72): 3  // mar
        case (0x61, 0x70, 0x72): 4  // apr
        case (0x6D, 0x61, 0x79): 5  // may
        case (0x6A, 0x75, 0x6E): 6  // jun
        case (0x6A, 0x75, 0x6C): 7  // jul
        case (0x61, 0x75, 0x67): 8  // aug
        case (0x73, 0x65, 0x70): 9  // sep
        case (0x6F, 0x63, 0x74): 10  // oct
        case (0x6E, 0x6F, 0x76): 11  // nov
        case (0x64, 0x65, 0x63): 12  // dec
        default: nil
        }
    }
}
