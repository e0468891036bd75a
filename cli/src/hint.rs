//! What to do about an error: the second half of every one-line error message, and
//! the exit code each kind of failure maps to.

use veriff_attempts::{Error, InputError};

use crate::output::{
    EXIT_API, EXIT_INTERNAL, EXIT_RESPONSE, EXIT_SIGNATURE, EXIT_TRANSPORT, EXIT_USAGE,
};

/// The hint for an SDK error, if there is something the user can do.
pub fn for_error(error: &Error) -> Option<&'static str> {
    Some(match error.last_attempt() {
        Error::InvalidInput(input) => match input {
            InputError::SessionId { .. } => "session id must be a UUID",
            InputError::BaseUrl { .. } => {
                "set VERIFF_BASE_URL to your integration's API URL, e.g. https://stationapi.veriff.com"
            }
            InputError::Setting { field, .. } if field.contains("secret") => {
                "set VERIFF_SHARED_SECRET"
            }
            InputError::Setting { field, .. } if field.contains("API key") => "set VERIFF_API_KEY",
            _ => return None,
        },
        Error::Api { status, code, .. } if status.as_u16() == 401 => for_unauthorised(code),
        Error::Api { status, .. } if status.as_u16() == 404 => {
            "no such session for this integration: check the id, and that VERIFF_API_KEY is the integration that created it"
        }
        Error::Api { status, .. } if status.is_server_error() => {
            "Veriff could not answer: try again later"
        }
        Error::Api { .. } => "check the session id",
        Error::UnexpectedStatus { status, .. } if status.as_u16() == 429 => {
            "rate limited: try again later (veriff scan: lower --concurrency or set --rate)"
        }
        Error::UnexpectedStatus { status, .. } if status.is_server_error() => {
            "the service or a proxy in front of it is unavailable: try again later"
        }
        Error::UnexpectedStatus { .. } | Error::Decode { .. } | Error::BodyTooLarge { .. } => {
            "check that VERIFF_BASE_URL is Veriff's API URL from your integration's page"
        }
        Error::SignatureMissing { .. } | Error::SignatureInvalid { .. } => {
            "check VERIFF_SHARED_SECRET, and that VERIFF_BASE_URL reaches Veriff and not a proxy that rewrites answers"
        }
        Error::Timeout(_) => "raise --timeout, or check the network",
        Error::Transport(_) => "check VERIFF_BASE_URL and the network",
        _ => return None,
    })
}

/// The hint for a 401, by Veriff's code: which credential to check.
pub fn for_unauthorised(code: &str) -> &'static str {
    match code {
        "1812" | "1818" => {
            "check VERIFF_SHARED_SECRET: it must be the shared secret of the integration whose API key is VERIFF_API_KEY"
        }
        "1801" | "1802" | "1803" | "1804" => {
            "check VERIFF_API_KEY: it must be the API key of an active integration"
        }
        _ => "check VERIFF_API_KEY and VERIFF_SHARED_SECRET",
    }
}

/// The exit code of a command that failed with this error.
pub fn exit_code(error: &Error) -> u8 {
    match error.last_attempt() {
        Error::Api { .. } => EXIT_API,
        Error::SignatureMissing { .. } | Error::SignatureInvalid { .. } => EXIT_SIGNATURE,
        Error::Decode { .. } | Error::UnexpectedStatus { .. } | Error::BodyTooLarge { .. } => {
            EXIT_RESPONSE
        }
        Error::Timeout(_) | Error::Transport(_) => EXIT_TRANSPORT,
        Error::InvalidInput(_) => EXIT_USAGE,
        _ => EXIT_INTERNAL,
    }
}
