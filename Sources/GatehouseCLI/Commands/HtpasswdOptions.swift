import Passwords

/// The arguments of Apache's `htpasswd`, parsed as Apache parses them: flags grouped in one word (`-nbB`), `-C` and
/// `-r` taking the next word (or the rest of their own), then the file (unless `-n`), the user, and the password
/// (with `-b`).
struct HtpasswdOptions {
    enum Mode { case update, create, display, delete, verify }

    var mode = Mode.update
    var passwordFromArguments = false
    var passwordFromStdin = false
    var format = PasswordFormat.apr1
    var cost: Int?
    var rounds: Int?
    var file: String?
    var user = ""
    var password: String?

    /// Apache's exit statuses (`support/htpasswd.c`).
    enum Exit: Int32 {
        case fileAccess = 1, syntax = 2, passwordMismatch = 3, overflow = 5, badUser = 6, invalidFile = 7
    }

    struct Failure: Error {
        let exit: Exit
        let message: String?
    }

    static let usage = """
        Usage:
        \tgatehouse htpasswd [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username
        \tgatehouse htpasswd -b[cmB25dpsDv] [-C cost] [-r rounds] passwordfile username password

        \tgatehouse htpasswd -n[imB25dps] [-C cost] [-r rounds] username
        \tgatehouse htpasswd -nb[mB25dps] [-C cost] [-r rounds] username password
         -c  Create a new file.
         -n  Don't update file; display results on stdout.
         -b  Use the password from the command line rather than prompting for it.
         -i  Read password from stdin without verification (for script usage).
         -m  Force MD5 hashing of the password (default).
         -2  Force SHA-256 hashing of the password (secure).
         -5  Force SHA-512 hashing of the password (secure).
         -B  Force bcrypt hashing of the password (very secure).
         -C  Set the computing time used for the bcrypt algorithm
             (higher is more secure but slower, default: 5, valid: 4 to 17).
         -r  Set the number of rounds used for the SHA-256, SHA-512 algorithms
             (higher is more secure but slower, default: 5000).
         -d  Force CRYPT hashing of the password (8 chars max, insecure).
         -s  Force SHA-1 hashing of the password (insecure).
         -p  Do not hash the password (plaintext, insecure).
         -D  Delete the specified user.
         -v  Verify password for the specified user.
        -v also verifies {SSHA}, {PLAIN}, $1$ and $y$ hashes, which Apache's htpasswd cannot.
        Examples:
          gatehouse htpasswd -cB users.htpasswd alice        # create the file, prompt for alice's password
          gatehouse htpasswd -nbB alice 's3cret'              # print a bcrypt line, change no file
          gatehouse htpasswd -vb users.htpasswd alice 's3cret' # exit 0 if right, 3 if wrong, 6 if no such user
        """

    init(arguments: [String]) throws {
        var positional: [String] = []
        var exclusive = 0
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1, positional.isEmpty else {
                positional.append(word)
                continue
            }
            var letters = Array(word.dropFirst())
            while !letters.isEmpty {
                let letter = letters.removeFirst()
                switch letter {
                case "c": mode = .create; exclusive += 1
                case "n": mode = .display; exclusive += 1
                case "D": mode = .delete; exclusive += 1
                case "v": mode = .verify; exclusive += 1
                case "b": passwordFromArguments = true
                case "i": passwordFromStdin = true
                case "m": format = .apr1
                case "B": format = .bcrypt
                case "2": format = .sha256Crypt
                case "5": format = .sha512Crypt
                case "d": format = .desCrypt
                case "s": format = .sha1
                case "p": format = .plainUntagged
                case "C", "r":
                    let text: String
                    if !letters.isEmpty {
                        text = String(letters)
                        letters = []
                    } else if index < arguments.count {
                        text = arguments[index]
                        index += 1
                    } else {
                        throw Failure(exit: .syntax, message: nil)
                    }
                    guard let value = Int(text) else { throw Failure(exit: .syntax, message: nil) }
                    if letter == "C" { cost = value } else { rounds = value }
                default:
                    throw Failure(exit: .syntax, message: nil)
                }
            }
        }
        if exclusive > 1 { throw Failure(exit: .syntax, message: "only one of -c -n -v -D may be specified") }
        if passwordFromArguments && passwordFromStdin { throw Failure(exit: .syntax, message: "-b and -i are mutually exclusive") }
        let expected = (mode == .display ? 1 : 2) + (passwordFromArguments && mode != .delete ? 1 : 0)
        guard positional.count == expected else { throw Failure(exit: .syntax, message: nil) }
        if mode != .display { file = positional.removeFirst() }
        user = positional.removeFirst()
        password = positional.first
        if user.utf8.count > 255 { throw Failure(exit: .overflow, message: "username too long (> 255)") }
        if user.contains(":") { throw Failure(exit: .badUser, message: "username contains illegal character ':'") }
        if let password, password.utf8.count > 255 { throw Failure(exit: .overflow, message: "password too long (> 255)") }
    }
}
