/// A count axis from 0 to a round top, with a tick every round step (1, 2 or 5 times a power of ten) and at most
/// ``CountScale/maximumSteps`` steps, as Grafana and GoAccess label theirs: an operator reads "about 40 a minute" off
/// the grid, not off a bar's height.
public struct CountScale: Sendable, Hashable {
    /// The value at the top of the axis (a multiple of ``step``, at least the largest value).
    public let top: Int
    public let step: Int
    static let maximumSteps = 5

    /// The scale for values up to `maximum` (an axis from 0 to 1 when every value is 0).
    public init(maximum: Int) {
        let wanted = max(maximum, 1)
        var magnitude = 1
        while magnitude * 5 * Self.maximumSteps < wanted { magnitude *= 10 }
        let step = [1, 2, 5].map { $0 * magnitude }.first { $0 * Self.maximumSteps >= wanted } ?? magnitude * 10
        self.step = step
        top = (wanted + step - 1) / step * step
    }

    /// The values of the ticks, from 0 to ``top``.
    public var ticks: [Int] { Array(stride(from: 0, through: top, by: step)) }

    /// Where `value` lies between 0 (the axis's origin) and 1 (its top).
    public func fraction(_ value: Int) -> Double { Double(value) / Double(top) }

    /// A tick's label: `950`, `1.5k`, `12k`, `2M`.
    public static func label(_ value: Int) -> String {
        switch value {
        case ..<1000: String(value)
        case ..<1_000_000: short(value, 1000, "k")
        default: short(value, 1_000_000, "M")
        }
    }

    private static func short(_ value: Int, _ unit: Int, _ suffix: String) -> String {
        value % unit == 0 || value >= 10 * unit ? "\(value / unit)\(suffix)" : "\(value / unit).\(value % unit * 10 / unit)\(suffix)"
    }
}
