//! The DynamoDB calls the app sends: [`capture`] records them off the wire.

pub mod capture;

pub use self::capture::{CallRecorder, Sent, SentCall, in_current_recording, recording};
