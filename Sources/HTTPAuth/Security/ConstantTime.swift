/// Comparisons whose running time does not depend on where two secrets differ.
///
/// Lengths are not secret here (hash outputs have fixed lengths), so unequal lengths return at once; equal lengths
/// are compared in full, accumulating the differences with OR.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes, examining every byte when the lengths match.
    public static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// Whether two strings have the same UTF-8 bytes, compared in constant time.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool { equals(Array(lhs.utf8), Array(rhs.utf8)) }
}
