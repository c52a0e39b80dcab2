import Foundation

/// When a file last changed, for the reloaders that look at their files on a schedule (config, JWKS, certificates).
enum FileStamp {
    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
