//! HMAC-SHA256 signatures as Veriff uses them.
//!
//! Requests are signed over the session id exactly as it appears in the path (for
//! GET); responses over the raw body bytes. Signatures travel as hex; we send
//! lowercase and accept either case.

use hmac::{Mac, digest::KeyInit};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

/// Why a signature header was rejected. Says nothing about the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureProblem {
    /// The header value is not hexadecimal (or not visible ASCII).
    #[error("the X-HMAC-SIGNATURE header is not hexadecimal")]
    NotHex,
    /// The header decodes to a length other than SHA-256's 32 bytes.
    #[error("the X-HMAC-SIGNATURE header is {0} bytes long, not the 32 of an HMAC-SHA256")]
    WrongLength(usize),
    /// The response carries more than one X-HMAC-SIGNATURE header.
    #[error("the response carries {0} X-HMAC-SIGNATURE headers; exactly one is allowed")]
    Duplicated(usize),
    /// Well-formed, but not the HMAC-SHA256 of the body under the shared secret.
    #[error(
        "the X-HMAC-SIGNATURE header does not match the body (wrong shared secret, or the body was altered)"
    )]
    Mismatch,
}

fn keyed(secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail; the fallback keeps the
    // function total without an unwrap.
    <HmacSha256 as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()))
}

/// Lowercase hex HMAC-SHA256 of `payload` keyed with `secret`: the value of an
/// `X-HMAC-SIGNATURE` header.
///
/// ```
/// use veriff_attempts::signature::sign;
/// // RFC 4231 test case 2.
/// assert_eq!(
///     sign(b"Jefe", b"what do ya want for nothing?"),
///     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
/// );
/// ```
pub fn sign(secret: &[u8], payload: &[u8]) -> String {
    let mut mac = keyed(secret);
    mac.update(payload);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks that `signature_hex` (either case) is the HMAC-SHA256 of `payload` under
/// `secret`. The comparison is constant-time.
pub fn verify(secret: &[u8], payload: &[u8], signature_hex: &[u8]) -> Result<(), SignatureProblem> {
    let trimmed = signature_hex.trim_ascii();
    let expected = hex::decode(trimmed).map_err(|err| match err {
        hex::FromHexError::OddLength => SignatureProblem::WrongLength(trimmed.len() / 2),
        _ => SignatureProblem::NotHex,
    })?;
    if expected.len() != 32 {
        return Err(SignatureProblem::WrongLength(expected.len()));
    }
    let mut mac = keyed(secret);
    mac.update(payload);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureProblem::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers computed independently of this crate with Python's standard
    // library: `hmac.new(key, msg, hashlib.sha256).hexdigest()`, and cross-checked
    // with `printf %s MSG | openssl dgst -sha256 -hmac KEY`.
    const SESSION_ID: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";
    const SECRET: &str = "abcdef12-abcd-abcd-abcd-abcdef012345";
    const SESSION_ID_SIGNATURE: &str =
        "e37fd070cea548e430c624109ca4b0d7e79bcdef52131c90a2889ca24ad15ab0";

    #[test]
    fn rfc4231_case_1() {
        let key = [0x0b; 20];
        assert_eq!(
            sign(&key, b"Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn session_id_known_answer() {
        assert_eq!(
            sign(SECRET.as_bytes(), SESSION_ID.as_bytes()),
            SESSION_ID_SIGNATURE
        );
    }

    #[test]
    fn response_body_known_answer() {
        let body = br#"{"status":"fail","code":"1101","message":"Resource not found"}"#;
        let expected = "438f332ba3c2bac7a956d858d138276f81302875194188401d3ab44ecb80b156";
        assert_eq!(sign(SECRET.as_bytes(), body), expected);
        assert_eq!(verify(SECRET.as_bytes(), body, expected.as_bytes()), Ok(()));
    }

    #[test]
    fn verify_accepts_both_cases_and_rejects_the_rest() {
        let body = br#"{"status":"success","verifications":[]}"#;
        let sig = sign(b"secret", body);
        assert_eq!(verify(b"secret", body, sig.as_bytes()), Ok(()));
        assert_eq!(
            verify(b"secret", body, sig.to_uppercase().as_bytes()),
            Ok(())
        );
        assert_eq!(
            verify(b"other", body, sig.as_bytes()),
            Err(SignatureProblem::Mismatch)
        );
        assert_eq!(
            verify(b"secret", b"{}", sig.as_bytes()),
            Err(SignatureProblem::Mismatch)
        );
        assert_eq!(
            verify(b"secret", body, b"zz"),
            Err(SignatureProblem::NotHex)
        );
        assert_eq!(
            verify(b"secret", body, &sig.as_bytes()[..62]),
            Err(SignatureProblem::WrongLength(31))
        );
        assert_eq!(
            verify(b"secret", body, b""),
            Err(SignatureProblem::WrongLength(0))
        );
    }
}
