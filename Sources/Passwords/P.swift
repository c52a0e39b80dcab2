import HTTPAuth
import CCrypt
import HummingbirdBcrypt
import NIOPosix
