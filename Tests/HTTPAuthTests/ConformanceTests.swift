import Testing
@testable import HTTPAuth

/// Real-world challenge values that browsers and client libraries read differently (Fixtures/conformance.json).
@Suite struct ConformanceTests {
    nonisolated(unsafe) static let cases: [[String: Any]] = (try! Fixtures.json("conformance"))["cases"] as! [[String: Any]]

    @Test(arguments: 0..<cases.count)
    func realWorldChallenge(index: Int) throws {
        let testCase = Self.cases[index]
        let name = testCase["name"] as! String
        let value = testCase["value"] as! String
        if testCase["error"] as? Bool == true {
            #expect(throws: HTTPAuthError.self, "\(name): should be refused") { try Challenge.parseList(value) }
            return
        }
        let parsed = try Challenge.parseList(value)
        let expected = Fixtures.challenges(testCase["expected"]!)
        #expect(parsed == expected, "\(name)")
        #expect(parsed.map(\.scheme.rawName) == expected.map(\.scheme.rawName), "\(name): scheme spelling kept")
        #expect(parsed.map { $0.parameters.map(\.name) } == expected.map { $0.parameters.map(\.name) }, "\(name): parameter spelling kept")
        #expect(try Challenge.parseList(parsed.serialized()) == parsed, "\(name): round trip")
    }
}
