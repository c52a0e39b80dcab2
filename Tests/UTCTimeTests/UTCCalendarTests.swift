import Foundation
import Testing

import UTCTime

/// The calendar arithmetic that replaced per-date formatters, checked against Foundation's Gregorian calendar in UTC
/// over leap years, century years, before 1970 and far ahead.
@Suite struct UTCCalendarTests {
    @Test func fieldsAndSecondsAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var seconds = -2_208_988_800   // 1900-01-01
        while seconds < 4_102_444_800 + 86_400 * 400 {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let expected = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let fields = UTCCalendar.fields(seconds)
            #expect([fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second]
                == [expected.year, expected.month, expected.day, expected.hour, expected.minute, expected.second], "\(seconds)")
            #expect(UTCCalendar.seconds(fields) == seconds)
            seconds += 86_400 * 37 + 3_671   // a stride that visits every month, leap days and hours
        }
    }
}
