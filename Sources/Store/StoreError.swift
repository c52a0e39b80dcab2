/// Why the store could not be opened or used: a location it does not understand, or a database error, with the
/// location named.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
