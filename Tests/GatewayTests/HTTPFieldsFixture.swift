import HTTPTypes

/// Header fields for tests.
enum HTTPFieldsFixture {
    static func forwarded(_ chain: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-Forwarded-For")!] = chain
        return fields
    }
}
