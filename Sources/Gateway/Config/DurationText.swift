import Foundation

/// Durations as people write them in the config and on the command line: `30s`, `15m`, `2h`, `1d`, or a bare
/// number of seconds.
public enum DurationText {
    /// The seconds `text` names, or nil when it is not a non-negative duration.
    public static func seconds(_ text: String) -> TimeInterval? {
        let text = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()), value >= 0 {
            return value * factor
        }
        if let seconds = Double(text), seconds >= 0 { return seconds }
        return nil
    }
}
