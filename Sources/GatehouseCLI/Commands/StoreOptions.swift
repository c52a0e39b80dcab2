import ArgumentParser
import Foundation
import Gateway
import Store

/// How `explain` and `apikey` find the gateway's store: `--store`, else the config's `store:`, else
/// `gatehouse.sqlite` in the current folder (the embedded default's).
struct StoreOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The gateway's configuration file (default: gatehouse.yaml if present).")
    var config: String?

    @Option(help: "The store: sqlite:PATH (default: the config's, else gatehouse.sqlite).")
    var store: String?

    func open() throws -> any GatewayStore {
        do {
            return try location().open()
        } catch {
            Terminal.error("gatehouse: \(error)")
            throw ExitCode(2)
        }
    }

    private func location() throws -> StoreLocation {
        if let store { return StoreLocation(store) }
        let file = config ?? (FileManager.default.fileExists(atPath: "gatehouse.yaml") ? "gatehouse.yaml" : nil)
        if let file { return try ConfigLoader.load(path: file).store }
        let path = FileManager.default.currentDirectoryPath + "/gatehouse.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("no store here: give --config or --store (gatehouse serve creates gatehouse.sqlite in its folder)")
        }
        return .sqlite(path: path)
    }
}
