import Foundation

/// The start of `gatehouse logs --since`, as a minute since 1970 (UTC), written the ways `journalctl --since` and
/// `docker logs --since` take it:
/// - a duration back from now: `30m`, `2h`, `7d`, `1w`, `90s` (a leading `-` is allowed);
/// - `today`, `yesterday`: midnight in the local zone;
/// - a date, `2026-11-24`, or a local time, `2026-11-24 05:00` or `2026-11-24T05:00:30` (in the local zone, `TZ`);
/// - ISO 8601 with a zone: `2026-11-24T05:00:00Z`, `…+01:00`.
/// The resolution is the minute, the report's own.
public enum SinceTime {
    public static func parse(_ text: String, now: Date = Date(), zone: TimeZone = .current) -> Int? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let nowMinute = Int(now.timeIntervalSince1970) / 60
        if let seconds = duration(text.hasPrefix("-") ? String(text.dropFirst()) : text) { return Int(now.timeIntervalSince1970 - seconds) / 60 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        switch text.lowercased() {
        case "now": return nowMinute
        case "today": return Int(calendar.startOfDay(for: now).timeIntervalSince1970) / 60
        case "yesterday": return Int(calendar.startOfDay(for: now).timeIntervalSince1970) / 60 - 1440
        default: break
        }
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        let hasZone = bytes.count > 16 && (text.hasSuffix("Z") || text.hasSuffix("z") || bytes.dropFirst(16).contains { $0 == 0x2B || $0 == 0x2D })
        if hasZone { return MinuteClock.iso8601(text.uppercased()) }
        var local = text
        if bytes.count == 10 { local += "T00:00" }
        local = local.replacingOccurrences(of: " ", with: "T")
        guard local.utf8.count >= 16, local.utf8.count <= 19 || local.contains("."), let minute = MinuteClock.iso8601(local + "Z") else { return nil }
        return MinuteClock.fromLocal(minute, zone: zone)
    }

    /// `90s`, `30m`, `2h`, `7d`, `1w` in seconds.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "s": return value
        case "m": return value * 60
        case "h": return value * 3600
        case "d": return value * 86400
        case "w": return value * 7 * 86400
        default: return nil
        }
    }
}
