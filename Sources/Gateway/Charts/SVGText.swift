import Foundation

/// Numbers and shared style for the SVG charts of the gateway's pages and of `gatehouse logs --html`.
enum SVGText {
    /// A coordinate with one decimal.
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }
    /// A horizontal position or width in percent of the chart's width, two decimals.
    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value) }
}

/// The charts' CSS, for a page's `<style>`: the same look on the dashboard and in `gatehouse logs --html`.
public enum ChartStyle {
    public static let css = """
        figure.chart{margin:1rem 0}figure.chart svg{display:block}
        .chart text{font:13px system-ui,sans-serif;fill:#1b1f24}.chart .tick text{fill:#57606a}
        .chart .axis-title{font-weight:600}.chart .halo{paint-order:stroke;stroke:#fff;stroke-width:3px}.chart .grid{stroke:#d8dee4}.chart .axis-line{stroke:#6e7781}
        .chart a text{fill:#0969da;text-decoration:underline}
        ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;margin:.3rem 0 0}
        ul.legend li::before{content:"";display:inline-block;width:.8em;height:.8em;margin-right:.35em;vertical-align:-.05em;background:var(--swatch)}
        """
}
