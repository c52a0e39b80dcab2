import Testing

@testable import Gateway

/// The axes of the dashboard's and `gatehouse logs --html`'s charts: round ticks covering the data, times on round
/// minutes, labels an operator reads.
struct ChartTests {
    @Test(arguments: [(0, 1, 1), (1, 1, 1), (7, 2, 8), (8, 2, 8), (9, 2, 10), (11, 5, 15), (99, 20, 100), (101, 50, 150), (4_321, 1000, 5000)])
    func countScaleIsRoundAndCoversTheLargestValue(maximum: Int, step: Int, top: Int) {
        let scale = CountScale(maximum: maximum)
        #expect(scale.step == step && scale.top == top)
        #expect(scale.ticks.first == 0 && scale.ticks.last == top && scale.ticks.count <= CountScale.maximumSteps + 1)
    }

    @Test func countLabelsAreShort() {
        #expect([950, 1000, 1500, 12_000, 2_000_000, 2_500_000].map(CountScale.label) == ["950", "1k", "1.5k", "12k", "2M", "2.5M"])
    }

    @Test func anHourIsLabelledEveryQuarterAndLongerSpansWithTheDay() {
        // 2026-12-03 10:07 to 11:06 UTC.
        let start = 29938207
        let hour = TimeChart(id: "c", title: "t", series: [], minutes: start...(start + 59), counts: [:], countTitle: "n")
        #expect(hour.timeTicks().map { TimeChart.clock($0, long: false) } == ["10:15", "10:30", "10:45", "11:00"])
        let days = TimeChart(id: "c", title: "t", series: [], minutes: start...(start + 3 * 1440), bucketMinutes: 60, counts: [:], countTitle: "n")
        #expect(days.timeTicks().count <= 6 && days.timeTicks().allSatisfy { $0 % 720 == 0 })
        #expect(TimeChart.clock(start, long: true) == "12-03 10:07")
    }
}
