//! Typed store errors, so callers can tell "table missing" from "throttled" from
//! "endpoint down" and say something useful, and the classification of SDK errors into them.

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::request::schema::RecordKey;
use crate::store::report::OpReport;

/// Everything a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// DescribeTable said the table does not exist.
    #[error("table {table:?} does not exist{hint}")]
    TableMissing {
        /// Table name.
        table: String,
        /// What to do about it (differs between local engines and AWS).
        hint: String,
    },
    /// The table exists with other keys than `request_id` (S) + `seq` (N).
    #[error("table {table:?} has key schema {actual}; dynamo-explorer needs {expected}")]
    KeySchemaMismatch {
        /// Table name.
        table: String,
        /// What we need.
        expected: String,
        /// What DescribeTable reported.
        actual: String,
    },
    /// Connection refused, reset, DNS failure or timeout, after the connection retries.
    #[error("cannot reach DynamoDB at {endpoint}: {detail}")]
    Unreachable {
        /// Where we tried.
        endpoint: String,
        /// What the connection said.
        detail: String,
    },
    /// Something answered, but not in DynamoDB's protocol (an HTML page, say).
    #[error("{endpoint} does not answer like DynamoDB: {detail}")]
    NotDynamoDb {
        /// Where we tried.
        endpoint: String,
        /// What came back.
        detail: String,
    },
    /// Throttled or failing with 5xx on every attempt the retry budget allowed.
    #[error("gave up after {attempts} attempts: {code}: {message}")]
    RetriesExhausted {
        /// Attempts made.
        attempts: u32,
        /// Last error code.
        code: String,
        /// Last error message.
        message: String,
    },
    /// DynamoDB rejected the request as invalid.
    #[error("DynamoDB rejected the request: {0}")]
    Validation(String),
    /// Credentials or region missing or refused.
    #[error("{0}")]
    Credentials(String),
    /// Any other service error.
    #[error("{code}: {message}")]
    Service {
        /// Error code (`__type` without the namespace).
        code: String,
        /// Error message.
        message: String,
    },
    /// Refused before anything was sent.
    #[error("{0}")]
    InvalidInput(String),
    /// The engine's disk is full. Not retried: waiting does not free space.
    #[error("the engine's disk is full ({detail}){hint}")]
    DiskFull {
        /// What the engine said.
        detail: String,
        /// `: <file> is on a full disk (0 B free) ...`, when the store knows its file.
        hint: String,
    },
    /// Some records (or deletes) did not land; the report counts what did.
    #[error(
        "{confirmed} of {total} {what} confirmed; {} failed{}{}: {cause}",
        not_done.len(),
        if *in_flight > 0 { format!(", {in_flight} in flight when it stopped (may or may not have landed)") } else { String::new() },
        key_list(not_done)
    )]
    Incomplete {
        /// `records written` or `deletes`.
        what: &'static str,
        /// Confirmed by DynamoDB.
        confirmed: u64,
        /// Asked for.
        total: u64,
        /// Sent, but no answer came back: they may or may not have landed.
        in_flight: u64,
        /// Keys known not to have landed (given up on, or never sent).
        not_done: Vec<RecordKey>,
        /// What stopped it.
        cause: Box<StoreError>,
        /// What was done before it stopped.
        report: Box<OpReport>,
    },
    /// Cancelled by the user; what was done stays done.
    #[error("cancelled: {confirmed} of {total} {what} confirmed before the stop")]
    Cancelled {
        /// `records written` or `deletes`.
        what: &'static str,
        /// Confirmed by DynamoDB.
        confirmed: u64,
        /// Asked for.
        total: u64,
        /// What was done before it stopped.
        report: Box<OpReport>,
    },
}

fn key_list(keys: &[RecordKey]) -> String {
    const SHOWN: usize = 5;
    if keys.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = keys.iter().take(SHOWN).map(ToString::to_string).collect();
    let more = keys.len().saturating_sub(SHOWN);
    if more > 0 {
        format!(" ({} and {more} more)", shown.join(", "))
    } else {
        format!(" ({})", shown.join(", "))
    }
}

impl StoreError {
    /// Gave up after being throttled on every attempt.
    pub fn is_throttling(&self) -> bool {
        matches!(self, StoreError::RetriesExhausted { code, .. } if THROTTLING_CODES.contains(&code.as_str()))
    }

    /// The report of work done before a partial failure or cancellation.
    pub fn partial_report(&self) -> Option<&OpReport> {
        match self {
            StoreError::Incomplete { report, .. } | StoreError::Cancelled { report, .. } => {
                Some(report)
            }
            _ => None,
        }
    }
}

/// What went wrong with one call, and whether it is worth another attempt.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Throttling: retry with backoff. `reasons`: the error's `ThrottlingReasons`
    /// (e.g. `TableWriteKeyRangeThroughputExceeded`), empty when it carried none.
    Throttled {
        code: String,
        message: String,
        reasons: Vec<String>,
    },
    /// 5xx: retry with backoff.
    Server { code: String, message: String },
    /// No answer (connect failure, reset, timeout): retry a few times.
    Connection(String),
    /// Final.
    Final(StoreError),
}

/// Error codes DynamoDB uses for throttling.
const THROTTLING_CODES: [&str; 3] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
];

/// Sorts an SDK error into retryable kinds and final store errors.
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>, endpoint: &str, table: &str) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match err {
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let code = se.err().code().unwrap_or_default().to_owned();
            let message = se.err().message().unwrap_or_default().to_owned();
            if THROTTLING_CODES.contains(&code.as_str()) {
                let reasons = throttling_reasons(se.err());
                Failure::Throttled {
                    code,
                    message,
                    reasons,
                }
            } else if status >= 500 && message.to_ascii_lowercase().contains("disk is full") {
                // SQLite's "database or disk is full": retrying only spends the time.
                Failure::Final(StoreError::DiskFull {
                    detail: message,
                    hint: String::new(),
                })
            } else if status >= 500 {
                let code = if code.is_empty() {
                    format!("HTTP {status}")
                } else {
                    code
                };
                Failure::Server { code, message }
            } else if code.is_empty() {
                Failure::Final(not_dynamo(endpoint, se.raw()))
            } else if code == "ResourceNotFoundException" {
                Failure::Final(StoreError::TableMissing {
                    table: table.to_owned(),
                    hint: format!(" ({message})"),
                })
            } else if code == "ValidationException" || code == "SerializationException" {
                Failure::Final(StoreError::Validation(message))
            } else if code.contains("Token")
                || code.contains("Signature")
                || code.contains("AccessDenied")
                || code == "UnrecognizedClientException"
            {
                Failure::Final(StoreError::Credentials(format!("{code}: {message}")))
            } else {
                Failure::Final(StoreError::Service { code, message })
            }
        }
        SdkError::ResponseError(re) => {
            let status = re.raw().status().as_u16();
            if status >= 500 {
                Failure::Server {
                    code: format!("HTTP {status}"),
                    message: "unreadable body".into(),
                }
            } else {
                // A complete answer that is not DynamoDB's is a service error (above); a
                // response error is an answer that could not be read to its end: the
                // connection dropped mid-body. Like any lost connection, the call may have
                // been applied.
                Failure::Connection(format!(
                    "connection lost in the middle of the answer: {}",
                    short_cause(err)
                ))
            }
        }
        SdkError::TimeoutError(_) => Failure::Connection("timed out".into()),
        SdkError::DispatchFailure(_) => {
            let text = DisplayErrorContext(err).to_string();
            if text.contains("credential") || text.contains("identity") {
                Failure::Final(StoreError::Credentials(credentials_help(err)))
            } else {
                Failure::Connection(short_cause(err))
            }
        }
        _ => {
            let text = DisplayErrorContext(err).to_string();
            if text.contains("credential") || text.contains("identity") {
                Failure::Final(StoreError::Credentials(credentials_help(err)))
            } else {
                Failure::Final(StoreError::Service {
                    code: "ClientError".into(),
                    message: error_chain(err),
                })
            }
        }
    }
}

/// The `reason`s of a throttling error's `ThrottlingReasons`, as the SDK parsed them. The
/// operation error (`BatchWriteItemError`, `QueryError`...) has the exception as its source.
fn throttling_reasons(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    use aws_sdk_dynamodb::types::ThrottlingReason;
    use aws_sdk_dynamodb::types::error::{
        ProvisionedThroughputExceededException, RequestLimitExceeded, ThrottlingException,
    };
    let names = |list: &[ThrottlingReason]| -> Vec<String> {
        list.iter()
            .filter_map(|r| r.reason().map(str::to_owned))
            .collect()
    };
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(x) = e.downcast_ref::<ProvisionedThroughputExceededException>() {
            return names(x.throttling_reasons());
        }
        if let Some(x) = e.downcast_ref::<ThrottlingException>() {
            return names(x.throttling_reasons());
        }
        if let Some(x) = e.downcast_ref::<RequestLimitExceeded>() {
            return names(x.throttling_reasons());
        }
        cur = e.source();
    }
    Vec::new()
}

fn not_dynamo(endpoint: &str, raw: &HttpResponse) -> StoreError {
    let content_type = raw
        .headers()
        .get("content-type")
        .unwrap_or("no content-type")
        .to_owned();
    StoreError::NotDynamoDb {
        endpoint: endpoint.to_owned(),
        detail: format!(
            "HTTP {} with {content_type} and no DynamoDB error in the body; is this the right URL?",
            raw.status().as_u16()
        ),
    }
}

/// One line for an SDK error, for a person: `Code: message` when DynamoDB (or the engine)
/// answered with an error, else what each layer of the error says, outermost first. Never
/// `DisplayErrorContext`, whose text ends with a Debug dump of the error
/// (`ServiceError(ServiceError { source: ...`).
pub fn sdk_error_line<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match (err.code(), err.message()) {
        (Some(code), Some(message)) if !message.is_empty() => format!("{code}: {message}"),
        (Some(code), _) => code.to_owned(),
        _ => error_chain(err),
    }
}

/// What each error of a chain says, outermost first, repeats and empty ones left out.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        let text = readable_tls(e.to_string().trim());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// The last, most specific error of a chain (the SDK's outer layers say "dispatch failure",
/// "io error"...). Walks the chain itself: `DisplayErrorContext` text ends with a Debug dump,
/// so splitting that text picked up fragments like `Unknown } }))`.
fn short_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err;
    while let Some(source) = last.source() {
        last = source;
    }
    readable_tls(last.to_string().trim())
}

/// rustls words a refused certificate with its error's Debug form (`invalid peer
/// certificate: Other(OtherError(CaUsedAsEndEntity))`): say it in words, naming the reason.
fn readable_tls(text: &str) -> String {
    let Some(rest) = text.strip_prefix("invalid peer certificate: ") else {
        return text.to_owned();
    };
    let reason = rest
        .split(['(', ')'])
        .rfind(|part| !part.is_empty())
        .unwrap_or(rest);
    format!(
        "the server's TLS certificate was refused ({reason}): use http:// for a local engine, \
         or give the server a certificate this machine trusts"
    )
}

fn credentials_help(err: &(dyn std::error::Error + 'static)) -> String {
    format!(
        "no usable AWS credentials ({}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
         or pick a profile with --profile NAME or AWS_PROFILE (run `aws sso login --profile NAME` for SSO)",
        short_cause(err)
    )
}

#[cfg(test)]
mod readable_tests {
    use super::readable_tls;

    #[test]
    fn a_refused_certificate_is_said_in_words() {
        let line = readable_tls("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))");
        assert!(
            line.contains("TLS certificate was refused (CaUsedAsEndEntity)"),
            "{line}"
        );
        assert!(!line.contains("Other("), "{line}");
        assert_eq!(
            readable_tls("Connection refused (os error 111)"),
            "Connection refused (os error 111)"
        );
    }
}
