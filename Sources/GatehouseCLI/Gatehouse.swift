import ArgumentParser
import HTTPAuth
import Passwords
import Tokens
@main struct G: ParsableCommand { func run() {} }
