import Foundation
import Testing

@testable import Tokens

/// Times as the operator's tools write them, checked against Foundation's formatter in UTC.
@Suite struct TimeDescriptionTests {
    @Test func utcIsWrittenAsTheFormatterWroteIt() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        for seconds in [0, 1_600_000_000, 951_782_400, 4_102_444_799, 1_796_202_663] {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds) + 0.75)
            #expect(TimeDescription.utc(date) == formatter.string(from: date))
        }
    }
}
