import Foundation

/// Reads a whole text file as UTF-8 (bytes that are not UTF-8 are replaced rather than refused).
func readTextFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
        throw PasswordsError.io(path: path, "the file \(reason)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// Writes `contents` to a temporary file beside `path` and renames it over `path`, so that a reader sees the old
/// file or the new one, never half of one. Keeps the permissions of an existing file.
func writeTextFileAtomically(_ contents: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    let permissions = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions]
    do {
        try Data(contents.utf8).write(to: temporary)
        if let permissions { try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path) }
        guard rename(temporary.path, path) == 0 else {
            throw PasswordsError.io(path: path, "cannot replace the file: \(String(cString: strerror(errno)))")
        }
    } catch let error as PasswordsError {
        try? FileManager.default.removeItem(at: temporary)
        throw error
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw PasswordsError.io(path: path, "cannot write the file: \(error.localizedDescription)")
    }
}
