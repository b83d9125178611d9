/// `dump(config)` and debuggers walk values through `Mirror`, which would show `Secret.value` despite the
/// redacted descriptions; an empty mirror keeps the credential out of every reflective printout too.
extension Secret: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
