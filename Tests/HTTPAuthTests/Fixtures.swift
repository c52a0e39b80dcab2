import Foundation
import HTTPAuth

/// Loads the JSON fixtures copied into the test bundle (`Fixtures/`).
enum Fixtures {
    static func json(_ name: String) throws -> [String: Any] {
        let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures")!
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// The `[{"scheme":…,"token68":…,"params":[[n,v]…]}]` form of the fixtures, as challenges.
    static func challenges(_ value: Any) -> [Challenge] {
        (value as! [[String: Any]]).map { item in
            Challenge(
                scheme: AuthScheme(item["scheme"] as! String)!, token68: item["token68"] as? String,
                parameters: (item["params"] as! [[String]]).map { AuthParameter($0[0], $0[1]) })
        }
    }

    static var rfcVectors: [String: Any] { get throws { try json("rfc_vectors") } }
}
