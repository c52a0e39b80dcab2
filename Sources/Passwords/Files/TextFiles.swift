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
/// file or the new one, never half of one. Keeps the permissions, owner and group of an existing file, as Apache's
/// `htpasswd` (which rewrites the file in place) does: `sudo gatehouse htpasswd /etc/gatehouse/users.htpasswd alice`
/// on a file the service reads through its group (root:gatehouse 0640) must leave the service able to read it.
func writeTextFileAtomically(_ contents: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    let existing = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
    var kept = existing.filter { [.posixPermissions, .ownerAccountID, .groupOwnerAccountID].contains($0.key) }
    // A new file gets what the umask gives, as `htpasswd -c` makes it (nginx's and Apache's workers read it).
    if kept.isEmpty { kept[.posixPermissions] = NSNumber(value: 0o666 & ~Int(currentUmask())) }
    do {
        // Created readable by its owner only: the hashes are never readable by all, not even until the rename.
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw PasswordsError.io(path: path, "cannot write beside the file: \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data(contents.utf8))
        try handle.close()
        do {
            try FileManager.default.setAttributes(kept, ofItemAtPath: temporary.path)
        } catch {
            throw PasswordsError.io(path: path, "cannot keep the file's owner, group and permissions (run as its owner or root)")
        }
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

/// The process's file mode creation mask (read by setting it, then put back).
private func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
}
