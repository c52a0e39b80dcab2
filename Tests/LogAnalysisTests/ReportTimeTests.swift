import Foundation
import Testing

@testable import LogAnalysis

/// The report writes its minutes as Foundation's Gregorian calendar reads them in UTC, before 1970, on leap days and
/// far ahead.
@Suite struct ReportTimeTests {
    @Test func minutesAreWrittenAsFoundationsCalendarReadsThem() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var minute = -36_816_480  // 1900-01-01
        while minute < 68_000_000 {  // 2099
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(minute) * 60))
            let expected = String(format: "%04d-%02d-%02dT%02d:%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
            #expect(LogReport.time(minute) == expected, "\(minute)")
            minute += 7_919  // about five and a half days, a prime: every hour, minute and day of the month comes up
        }
        #expect(LogReport.time(29_390_723) == "2025-11-18T05:23Z")
    }
}
