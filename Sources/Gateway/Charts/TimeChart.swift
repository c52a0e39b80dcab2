import UTCTime

/// Stacked bars over time, one bar per bucket of minutes, with a count axis (round ticks, grid lines, its title), a
/// time axis (round times in UTC, its title), a legend and a tooltip per bar; an optional marker (the onset of a
/// rise). Inline SVG, no script: it reads the same in a page with a `default-src 'none'` policy and in a saved file.
public struct TimeChart: Sendable {
    /// One kind of count, stacked in this order from the bottom.
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public init(_ name: String, color: String) {
            self.name = name
            self.color = color
        }
    }

    /// The element's id.
    public var id: String
    /// What the chart shows, for screen readers and the figure's caption.
    public var title: String
    public var series: [Series]
    /// The first and last buckets drawn (minutes since 1970, UTC); buckets without counts are empty.
    public var minutes: ClosedRange<Int>
    public var bucketMinutes: Int
    /// Counts per bucket start, one per series.
    public var counts: [Int: [Int]]
    /// What the count axis counts (`refusals per minute`).
    public var countTitle: String
    /// A vertical line at a minute, with its label.
    public var marker: (minute: Int, label: String)?

    public init(id: String, title: String, series: [Series], minutes: ClosedRange<Int>, bucketMinutes: Int = 1, counts: [Int: [Int]], countTitle: String) {
        self.id = id
        self.title = title
        self.series = series
        self.minutes = minutes
        self.bucketMinutes = max(bucketMinutes, 1)
        self.counts = counts
        self.countTitle = countTitle
    }

    /// The SVG has no viewBox: it is as wide as the page and 250 px high, its horizontal positions in percent of the
    /// width and its text in the page's pixels, so the labels keep their size from a phone to a wide screen. The count
    /// axis's title stands above it and its tick labels on their grid lines (as Grafana's), not in a margin that would
    /// need a width in pixels.
    static let height = 250, top = 30, bottom = 200

    /// The figure: caption, SVG and legend.
    public func html() -> String {
        let e = HTMLText.escape
        let buckets = Array(stride(from: minutes.lowerBound, through: minutes.upperBound, by: bucketMinutes))
        let totals = buckets.map { counts[$0]?.reduce(0, +) ?? 0 }
        let scale = CountScale(maximum: totals.max() ?? 0)
        let slot = 100 / Double(max(buckets.count, 1))
        // A bar fills most of its slot, but a few buckets do not make slabs.
        let bar = min(slot * 0.8, 4)
        let long = minutes.count > 24 * 60
        func y(_ value: Int) -> Double { Double(Self.bottom) - scale.fraction(value) * Double(Self.bottom - Self.top) }
        func x(_ minute: Int) -> Double { Double(minute - minutes.lowerBound) / Double(bucketMinutes) * slot }
        var svg = "<svg width=\"100%\" height=\"\(Self.height)\" role=\"img\" aria-labelledby=\"\(e(id))-caption\">\n<g class=\"grid\">"
        for tick in scale.ticks { svg += "<line x1=\"0\" x2=\"100%\" y1=\"\(SVGText.number(y(tick)))\" y2=\"\(SVGText.number(y(tick)))\"/>" }
        svg += "</g>\n<g class=\"bars\">\n"
        for (index, bucket) in buckets.enumerated() {
            guard let values = counts[bucket], totals[index] > 0 else { continue }
            var stacked = 0
            let parts = zip(series, values).filter { $0.1 > 0 }.map { "\($0.1) \($0.0.name)" }.joined(separator: ", ")
            for (kind, value) in zip(series, values) where value > 0 {
                let (high, low) = (y(stacked + value), y(stacked))
                stacked += value
                svg += "<rect x=\"\(SVGText.percent(x(bucket) + (slot - bar) / 2))\" y=\"\(SVGText.number(high))\" width=\"\(SVGText.percent(bar))\" "
                    + "height=\"\(SVGText.number(low - high))\" fill=\"\(e(kind.color))\"><title>\(Self.clock(bucket, long: long)): \(e(parts))</title></rect>\n"
            }
        }
        svg += "</g>\n<g class=\"axis y\">\n<text class=\"axis-title\" x=\"0\" y=\"14\">\(e(countTitle))</text>\n"
        for tick in scale.ticks {
            svg += "<g class=\"tick\"><text class=\"halo\" x=\"2\" y=\"\(SVGText.number(y(tick)))\" dy=\"-4\">\(CountScale.label(tick))</text></g>\n"
        }
        svg += "</g>\n<g class=\"axis x\">\n<line class=\"axis-line\" x1=\"0\" x2=\"100%\" y1=\"\(Self.bottom)\" y2=\"\(Self.bottom)\"/>\n"
        for tick in timeTicks() {
            let at = x(tick)
            // A label near an edge is anchored to it, not centred across it.
            let anchor = at < 6 ? "start" : at > 94 ? "end" : "middle"
            svg += "<g class=\"tick\"><line class=\"axis-line\" x1=\"\(SVGText.percent(at))\" x2=\"\(SVGText.percent(at))\" y1=\"\(Self.bottom)\" y2=\"\(Self.bottom + 6)\"/>"
            svg += "<text x=\"\(SVGText.percent(at))\" y=\"\(Self.bottom + 22)\" text-anchor=\"\(anchor)\">\(Self.clock(tick, long: long))</text></g>\n"
        }
        let unit = bucketMinutes == 1 ? "one bar per minute" : "one bar per \(bucketMinutes) minutes"
        svg += "<text class=\"axis-title\" x=\"50%\" y=\"\(Self.height - 4)\" text-anchor=\"middle\">time (UTC), \(unit)</text>\n</g>\n"
        if let marker, (minutes.lowerBound...minutes.upperBound + bucketMinutes - 1).contains(marker.minute) {
            let at = SVGText.percent(x(marker.minute))
            svg += "<g class=\"marker\"><line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(Self.top)\" y2=\"\(Self.bottom)\" stroke=\"#1b1f24\" stroke-dasharray=\"4 3\"/>"
            svg += "<text class=\"halo\" x=\"\(at)\" dx=\"4\" y=\"\(Self.top + 12)\">\(e(marker.label))</text></g>\n"
        }
        svg += "</svg>\n"
        let legend = series.map { "<li style=\"--swatch:\(e($0.color))\">\(e($0.name))</li>" }.joined()
        return "<figure class=\"chart\" id=\"\(e(id))\"><figcaption id=\"\(e(id))-caption\">\(e(title))</figcaption>\n\(svg)<ul class=\"legend\">\(legend)</ul></figure>\n"
    }

    /// Round times for the time axis, at most six: every 5, 10, 15 or 30 minutes, every 1 to 12 hours, or every days.
    func timeTicks() -> [Int] {
        let span = minutes.count
        let interval = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].first { span / $0 <= 5 } ?? span
        let first = (minutes.lowerBound + interval - 1) / interval * interval
        return Array(stride(from: first, through: minutes.upperBound, by: interval))
    }

    /// `10:15`, or `12-02 10:15` on an axis longer than a day.
    static func clock(_ minute: Int, long: Bool) -> String {
        let time = UTCCalendar.fields(minute * 60)
        let two = { UTCCalendar.padded($0) }
        return (long ? "\(two(time.month))-\(two(time.day)) " : "") + "\(two(time.hour)):\(two(time.minute))"
    }
}
