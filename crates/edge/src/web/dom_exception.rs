//! `DOMException` (WebIDL), with the legacy `code` table and constants.

pub(super) const SOURCE: &str = include_str!("dom_exception.js");

#[cfg(test)]
mod tests {
    use crate::web::testing::harness;

    #[test]
    fn carries_name_message_and_legacy_code() {
        harness().eval(
            r#"
            const e = new DOMException('gone', 'AbortError');
            assert(e instanceof DOMException && e instanceof Error);
            assertEquals(e.name, 'AbortError');
            assertEquals(e.message, 'gone');
            assertEquals(e.code, 20);
            assertEquals(DOMException.ABORT_ERR, 20);
            assertEquals(e.DATA_CLONE_ERR, 25);
            assertEquals(String(e), 'AbortError: gone');
            assertEquals(Object.prototype.toString.call(e), '[object DOMException]');
            assertEquals(typeof e.stack, 'string');
            const plain = new DOMException();
            assertEquals([plain.name, plain.message, plain.code], ['Error', '', 0]);
            assertEquals(new DOMException('x', 'NotARealName').code, 0);
            const withCause = new DOMException('y', { name: 'TimeoutError', cause: 42 });
            assertEquals([withCause.name, withCause.code, withCause.cause], ['TimeoutError', 23, 42]);
            assert(!Object.keys(e).length, 'no own enumerable properties');
            "#,
        );
    }
}
