import Foundation
import HTTPAuth
import Testing

@testable import Doctor

/// IIS site configurations written from Microsoft's documentation (Tests/Fixtures/IIS/webconfig: one planted fault
/// per case, or none; each case's expect.json names the source, the cause and the file and line of the fault).
@Suite struct IISConfigTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/IIS/webconfig").standardized.path
    static let cases = (try? FileManager.default.contentsOfDirectory(atPath: fixtures).filter { !$0.hasSuffix(".md") }.sorted()) ?? []

    @Test func thereAreFaultyAndHealthyCases() {
        #expect(Self.cases.count >= 12)
        #expect(Self.cases.contains { $0.hasPrefix("healthy") })
    }

    @Test(arguments: cases)
    func eachCaseNamesItsFaultAtItsLine(name: String) throws {
        let folder = Self.fixtures + "/" + name
        let expect = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/expect.json"))) as! [String: Any]
        let target = expect["target"] as! String == "." ? folder : folder + "/" + (expect["target"] as! String)
        let diagnosis = try ConfigDiagnosis.run(path: target)
        #expect(diagnosis.server == .iis)
        let causes = diagnosis.findings.filter { $0.severity == .cause }
        guard let file = expect["file"] as? String, let line = expect["line"] as? Int else {
            #expect(causes.isEmpty, "\(name) is healthy: \(causes.map(\.title))")
            return
        }
        let first = try #require(diagnosis.findings.first, "\(name): no finding")
        #expect(first.id.rawValue == expect["expect"] as? String, "\(name): \(first.title)")
        #expect(first.location == "\(folder)/\(file):\(line)", "\(name)")
    }

    @Test func brokenXMLIsAnErrorNamingItsLine() throws {
        let folder = NSTemporaryDirectory() + "gatehouse-iis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "<configuration>\n  <system.webServer>\n    <security>\n  </system.webServer>\n</configuration>\n".write(toFile: folder + "/web.config", atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigReadError.self) { try ConfigDiagnosis.run(path: folder + "/web.config") }
        #expect(error.location.line == 4)
    }

    /// A start tag over several lines is named at the line it begins.
    @Test func aStartTagIsNamedWhereItBegins() throws {
        let folder = NSTemporaryDirectory() + "gatehouse-iis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = """
            <configuration>
              <system.webServer>
                <security>
                  <authentication>
                    <anonymousAuthentication
                        enabled="false"
                        userName="" />
                  </authentication>
                </security>
              </system.webServer>
            </configuration>
            """
        try text.write(toFile: folder + "/web.config", atomically: true, encoding: .utf8)
        let diagnosis = try ConfigDiagnosis.run(path: folder)
        #expect(diagnosis.findings.first?.id == .configError)
        #expect(diagnosis.findings.first?.location == "\(folder)/web.config:5")
    }

    /// Who a deny rule covers: everyone covers all; a list covers its own names; verbs narrow a deny.
    @Test func denyCoverage() throws {
        func rule(_ attributes: [String: String], allow: Bool) -> IISAuthorizationAudit.Rule {
            IISAuthorizationAudit.Rule(ConfigElement(name: allow ? "allow" : "deny", attributes: attributes, location: SourceLocation(file: "w", line: 1)), allow: allow, fromServer: false)
        }
        let staff = rule(["roles": "CONTOSO\\Staff"], allow: true)
        #expect(staff.isCovered(by: rule(["users": "*"], allow: false)))
        #expect(!staff.isCovered(by: rule(["users": "?"], allow: false)))
        #expect(rule(["users": "?"], allow: true).isCovered(by: rule(["users": "?"], allow: false)))
        #expect(rule(["users": "CONTOSO\\alice"], allow: true).isCovered(by: rule(["users": "contoso\\ALICE, bob"], allow: false)))
        #expect(!staff.isCovered(by: rule(["users": "*", "verbs": "POST"], allow: false)))
        #expect(rule(["roles": "CONTOSO\\Staff", "verbs": "POST"], allow: true).isCovered(by: rule(["users": "*", "verbs": "POST,PUT"], allow: false)))
    }
}
