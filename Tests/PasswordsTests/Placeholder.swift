import Testing
@testable import Passwords
