import Foundation
import UTCTime

/// Times as people read them: `2026-11-24 10:00:00 UTC (3 h 5 min ago)`.
public enum TimeDescription {
    /// The date in UTC and its distance from `now`.
    public static func describe(_ date: Date, relativeTo now: Date) -> String {
        "\(utc(date)) (\(relative(date, to: now)))"
    }

    /// `yyyy-MM-dd HH:mm:ss UTC`.
    public static func utc(_ date: Date) -> String {
        let time = UTCCalendar.fields(Int(date.timeIntervalSince1970.rounded(.down)))
        let two = { UTCCalendar.padded($0) }
        return UTCCalendar.padded(time.year, width: 4) + "-\(two(time.month))-\(two(time.day)) \(two(time.hour)):\(two(time.minute)):\(two(time.second)) UTC"
    }

    /// `in 5 min`, `3 h 5 min ago`, `now`.
    public static func relative(_ date: Date, to now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded())
        if seconds == 0 { return "now" }
        let span = duration(abs(seconds))
        return seconds > 0 ? "in \(span)" : "\(span) ago"
    }

    /// `2 d 3 h`, `5 min 10 s`, `42 s`: the two largest units.
    public static func duration(_ seconds: Int) -> String {
        let units: [(String, Int)] = [("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)]
        var remaining = seconds
        var parts: [String] = []
        for (name, size) in units where remaining >= size && parts.count < 2 {
            parts.append("\(remaining / size) \(name)")
            remaining %= size
        }
        return parts.isEmpty ? "0 s" : parts.joined(separator: " ")
    }
}
