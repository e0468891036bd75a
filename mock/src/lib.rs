#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod app;
pub mod builtin;
mod documented;
mod fault;
mod fixtures;
mod server;

pub use fault::{BodyFault, Fault, SignatureFault};
pub use fixtures::{FAULTS_KEY, FixtureError, Fixtures};
pub use server::{
    DEFAULT_API_KEY, DEFAULT_SHARED_SECRET, MAX_SHARED_SECRETS, MockServer, MockServerBuilder,
    RunningServer, StartError,
};
