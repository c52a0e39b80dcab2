/// Horizontal bars, one per category (a reason, a route), each label above its bar and optionally a link (to the
/// reason's explanation), the count at the bar's end, a count axis with round ticks, and a title on both axes. Laid
/// out like ``TimeChart`` (no viewBox, positions in percent, text in the page's pixels): long labels
/// (`refresh-token-family-revoked`, a route's path) keep their size and width on a phone.
public struct BarChart: Sendable {
    /// One category and its count.
    public struct Bar: Sendable {
        public var label: String
        public var count: Int
        public var color: String
        /// Where the label leads (`#reason-unknown-user`).
        public var link: String?
        public init(_ label: String, count: Int, color: String, link: String? = nil) {
            self.label = label
            self.count = count
            self.color = color
            self.link = link
        }
    }

    public var id: String
    public var title: String
    /// What the bars are (`reason`), written above the labels.
    public var categoryTitle: String
    /// What they count (`refusals`), written under the count axis.
    public var countTitle: String
    public var bars: [Bar]

    public init(id: String, title: String, categoryTitle: String, countTitle: String, bars: [Bar]) {
        self.id = id
        self.title = title
        self.categoryTitle = categoryTitle
        self.countTitle = countTitle
        self.bars = bars
    }

    /// The longest bar's share of the width (the rest holds its count), the first row's top, a row's height.
    static let span = 88.0, top = 24, row = 38

    /// The figure: caption and SVG.
    public func html() -> String {
        let e = HTMLText.escape
        let scale = CountScale(maximum: bars.map(\.count).max() ?? 0)
        let bottom = Self.top + bars.count * Self.row + 2
        let height = bottom + 44
        func x(_ value: Int) -> Double { scale.fraction(value) * Self.span }
        var svg = "<svg width=\"100%\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(e(id))-caption\">\n<g class=\"axis x\">\n"
        for tick in scale.ticks {
            let at = x(tick)
            // The first label is anchored at the axis's start, the others centred on their grid line.
            let anchor = tick == 0 ? "start" : "middle"
            svg += "<line class=\"grid\" x1=\"\(SVGText.percent(at))\" x2=\"\(SVGText.percent(at))\" y1=\"\(Self.top)\" y2=\"\(bottom)\"/>"
            svg += "<g class=\"tick\"><text x=\"\(SVGText.percent(at))\" y=\"\(bottom + 18)\" text-anchor=\"\(anchor)\">\(CountScale.label(tick))</text></g>\n"
        }
        svg += "<text class=\"axis-title\" x=\"\(SVGText.percent(Self.span / 2))\" y=\"\(height - 4)\" text-anchor=\"middle\">\(e(countTitle))</text>\n</g>\n"
        svg += "<g class=\"axis y\">\n<text class=\"axis-title\" x=\"0\" y=\"14\">\(e(categoryTitle))</text>\n"
        svg += "<line class=\"axis-line\" x1=\"0.5\" x2=\"0.5\" y1=\"\(Self.top)\" y2=\"\(bottom)\"/>\n"
        for (index, bar) in bars.enumerated() {
            let label = "<text x=\"4\" y=\"\(Self.top + index * Self.row + 14)\">\(e(bar.label))</text>"
            svg += "<g class=\"tick\">" + (bar.link.map { "<a href=\"\(e($0))\">\(label)</a>" } ?? label) + "</g>\n"
        }
        svg += "</g>\n<g class=\"bars\">\n"
        for (index, bar) in bars.enumerated() {
            let y = Self.top + index * Self.row + 19
            svg += "<rect x=\"1\" y=\"\(y)\" width=\"\(SVGText.percent(max(x(bar.count), 0.3)))\" height=\"13\" fill=\"\(e(bar.color))\">"
            svg += "<title>\(e(bar.label)): \(bar.count)</title></rect><text x=\"\(SVGText.percent(x(bar.count)))\" dx=\"5\" y=\"\(y + 11)\">\(bar.count)</text>\n"
        }
        svg += "</g>\n</svg>\n"
        return "<figure class=\"chart\" id=\"\(e(id))\"><figcaption id=\"\(e(id))-caption\">\(e(title))</figcaption>\n\(svg)</figure>\n"
    }
}
