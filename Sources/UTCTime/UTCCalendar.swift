import Foundation

/// Seconds since 1970 and UTC calendar fields, converted without a formatter (Howard Hinnant's `days_from_civil`
/// and `civil_from_days`, exact for the proleptic Gregorian calendar): a `DateFormatter` made per date cost more
/// than everything else the doctor does with a large HAR.
public enum UTCCalendar {
    /// The fields of a UTC time.
    public struct Fields: Sendable, Equatable {
        public var year, month, day, hour, minute, second: Int

        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public static func seconds(_ fields: Fields) -> Int {
        days(year: fields.year, month: fields.month, day: fields.day) * 86_400 + fields.hour * 3_600 + fields.minute * 60 + fields.second
    }

    /// Days since 1970-01-01 of a date (`days_from_civil`).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The fields of `seconds` since 1970 (whole seconds, rounded down).
    public static func fields(_ seconds: Int) -> Fields {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return Fields(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day, hour: rest / 3_600, minute: rest % 3_600 / 60, second: rest % 60)
    }

    /// `value` in decimal, with zeros in front up to `width` digits (`05`, `0987`), as dates are written.
    public static func padded(_ value: Int, width: Int = 2) -> String {
        let digits = String(value)
        return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    }
}
