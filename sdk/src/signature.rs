//! HMAC-SHA256 signatures as Veriff uses them.
//!
//! Requests are signed over the session id exactly as it appears in the path (for
//! GET); responses over the raw body bytes. Signatures travel as hex; we send
//! lowercase and accept either case.

use std::fmt;

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
    SigningKey::new(secret)
        .sign_hex(payload)
        .as_str()
        .to_owned()
}

/// Checks that `signature_hex` (either case) is the HMAC-SHA256 of `payload` under
/// `secret`. The comparison is constant-time.
pub fn verify(secret: &[u8], payload: &[u8], signature_hex: &[u8]) -> Result<(), SignatureProblem> {
    SigningKey::new(secret).verify(payload, signature_hex)
}

/// The shared secret prepared once for HMAC-SHA256: the key schedule (the inner and
/// outer padded blocks) is computed by [`SigningKey::new`], and each signature
/// starts from a copy of that state instead of hashing the key again.
///
/// Its `Debug` is redacted: the prepared state is as good as the secret.
#[derive(Clone)]
pub(crate) struct SigningKey(HmacSha256);

/// A signature as lowercase hex, on the stack: 64 ASCII bytes.
#[derive(Clone, Copy)]
pub(crate) struct HexSignature([u8; 64]);

impl HexSignature {
    /// The signature's text.
    pub(crate) fn as_str(&self) -> &str {
        // `hex::encode_to_slice` writes only ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl SigningKey {
    /// Prepares `secret` for signing and verifying.
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self(keyed(secret))
    }

    /// Lowercase hex HMAC-SHA256 of `payload`, the same as [`sign`] with the
    /// secret this key was prepared from.
    pub(crate) fn sign_hex(&self, payload: &[u8]) -> HexSignature {
        let mut mac = self.0.clone();
        mac.update(payload);
        let mut hex = [0u8; 64];
        // 32 bytes always fit in 64 hex digits; the fallback (all zeros) is
        // unreachable and would fail every verification rather than pass one.
        let _ = hex::encode_to_slice(mac.finalize().into_bytes(), &mut hex);
        HexSignature(hex)
    }

    /// The same check as [`verify`], with the secret this key was prepared from.
    pub(crate) fn verify(
        &self,
        payload: &[u8],
        signature_hex: &[u8],
    ) -> Result<(), SignatureProblem> {
        let trimmed = signature_hex.trim_ascii();
        if !trimmed.len().is_multiple_of(2) {
            return Err(SignatureProblem::WrongLength(trimmed.len() / 2));
        }
        if trimmed.len() != 64 {
            // Not hex, or hex of the wrong length: say which.
            return match hex::decode(trimmed) {
                Ok(decoded) => Err(SignatureProblem::WrongLength(decoded.len())),
                Err(_) => Err(SignatureProblem::NotHex),
            };
        }
        let mut expected = [0u8; 32];
        hex::decode_to_slice(trimmed, &mut expected).map_err(|_| SignatureProblem::NotHex)?;
        let mut mac = self.0.clone();
        mac.update(payload);
        mac.verify_slice(&expected)
            .map_err(|_| SignatureProblem::Mismatch)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
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

    /// The verification of 0.2.0, kept as the reference the prepared key must match.
    fn reference_verify(
        secret: &[u8],
        payload: &[u8],
        signature_hex: &[u8],
    ) -> Result<(), SignatureProblem> {
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

    /// The HMAC computed from scratch, without the prepared state.
    fn reference_sign(secret: &[u8], payload: &[u8]) -> String {
        let mut mac = keyed(secret);
        mac.update(payload);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn prepared_key_signs_the_rfc4231_vectors() {
        // RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 truncates the output).
        let long_key = [0xaa; 131];
        let cases: [(&[u8], &[u8], &str); 6] = [
            (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (
                &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (&long_key, b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (
                &long_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, expected) in cases {
            let prepared = SigningKey::new(key);
            // Twice: signing must not consume or alter the prepared state.
            assert_eq!(prepared.sign_hex(data).as_str(), expected);
            assert_eq!(prepared.sign_hex(data).as_str(), expected);
            assert_eq!(sign(key, data), expected);
            assert_eq!(prepared.verify(data, expected.as_bytes()), Ok(()));
        }
    }

    proptest::proptest! {
        #[test]
        fn prepared_key_agrees_with_a_fresh_hmac(
            secret in proptest::collection::vec(proptest::num::u8::ANY, 1..200),
            first in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            second in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let prepared = SigningKey::new(&secret);
            for payload in [&first, &second, &first] {
                let expected = reference_sign(&secret, payload);
                let signed = prepared.sign_hex(payload);
                proptest::prop_assert_eq!(signed.as_str(), expected.as_str());
                proptest::prop_assert_eq!(prepared.verify(payload, expected.as_bytes()), Ok(()));
                proptest::prop_assert_eq!(
                    prepared.verify(payload, expected.to_uppercase().as_bytes()),
                    Ok(())
                );
            }
        }

        #[test]
        fn prepared_key_judges_any_header_as_before(
            secret in proptest::collection::vec(proptest::num::u8::ANY, 1..80),
            payload in proptest::collection::vec(proptest::num::u8::ANY, 0..100),
            header in proptest::collection::vec(proptest::sample::select(b"0123456789abcdefABCDEFxz \t".to_vec()), 0..70),
            flip in 0usize..64,
        ) {
            let prepared = SigningKey::new(&secret);
            proptest::prop_assert_eq!(
                prepared.verify(&payload, &header),
                reference_verify(&secret, &payload, &header)
            );
            // A valid signature with one digit changed.
            let mut altered = reference_sign(&secret, &payload).into_bytes();
            altered[flip] = if altered[flip] == b'0' { b'1' } else { b'0' };
            proptest::prop_assert_eq!(
                prepared.verify(&payload, &altered),
                reference_verify(&secret, &payload, &altered)
            );
            proptest::prop_assert_eq!(prepared.verify(&payload, &altered), Err(SignatureProblem::Mismatch));
        }
    }

    #[test]
    fn prepared_key_is_redacted_in_debug() {
        let shown = format!("{:?}", SigningKey::new(b"s3cr3t-value"));
        assert_eq!(shown, "SigningKey(<redacted>)");
    }
}
