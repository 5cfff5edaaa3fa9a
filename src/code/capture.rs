//! What the app sent: an interceptor on every SDK client ([`CallRecorder`], registered in
//! `backend::tune`) copies each request's API name (`X-Amz-Target`) and JSON body into the
//! recorder of the task it runs in, if that task is inside [`recording`]. Outside, it checks a
//! task-local and returns.
//!
//! Memory stays bounded whatever the operation does: the first body of each API is kept (a
//! BatchWriteItem body can be 400 KB and more, an export makes thousands of calls), the rest
//! are counted.

use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use serde_json::Value;

/// One request as it went on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct SentCall {
    /// The operation, e.g. `Query` (from `X-Amz-Target: DynamoDB_20120810.Query`).
    pub api: String,
    /// The exact JSON body (PascalCase keys, AttributeValues as `{"S": "x"}`).
    pub body: Value,
}

/// The calls made inside one [`recording`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sent {
    /// The first call of each API, in the order the APIs were first used.
    pub first: Vec<SentCall>,
    /// Calls per API (every attempt counts), in the same order.
    pub counts: Vec<(String, u64)>,
    /// The region the calls were signed for (the client's, from its config: the flag, the
    /// environment or the profile), when known.
    pub region: Option<String>,
}

/// Metadata and setup calls (describing the table, making a missing one): the main call
/// only when nothing else was sent.
const SETUP_APIS: [&str; 5] = [
    "DescribeTable",
    "ListTables",
    "DescribeTimeToLive",
    "CreateTable",
    "UpdateTimeToLive",
];

impl Sent {
    /// The call that stands for the operation: the first call of the API called most often
    /// (the earliest used on a tie), metadata and setup calls (DescribeTable, ListTables,
    /// DescribeTimeToLive, CreateTable, UpdateTimeToLive) only when there is nothing else.
    pub fn main_call(&self) -> Option<&SentCall> {
        let pick = |setup: bool| {
            self.counts
                .iter()
                .filter(|(api, _)| SETUP_APIS.contains(&api.as_str()) == setup)
                // max_by_key keeps the last of equals: reversed, the first used wins.
                .rev()
                .max_by_key(|(_, n)| *n)
                .and_then(|(api, _)| self.first.iter().find(|c| &c.api == api))
        };
        pick(false).or_else(|| pick(true))
    }

    /// Calls of every API (attempts included).
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// Calls of `api`.
    pub fn count(&self, api: &str) -> u64 {
        self.counts
            .iter()
            .find(|(a, _)| a == api)
            .map_or(0, |(_, n)| *n)
    }

    /// What the main call stands for: `1 Query call`, `first of 40 BatchWriteItem calls`,
    /// and the others when there were: `first of 40 BatchWriteItem calls (42 calls in all:
    /// BatchWriteItem 40, DescribeTable 2)`.
    pub fn summary(&self) -> String {
        let Some(main) = self.main_call() else {
            return "no DynamoDB calls".to_owned();
        };
        let n = self.count(&main.api);
        let mut s = if n == 1 {
            format!("1 {} call", main.api)
        } else {
            format!("first of {n} {} calls, {}", main.api, why_many(&main.api))
        };
        if self.counts.len() > 1 {
            let each: Vec<String> = self
                .counts
                .iter()
                .map(|(api, n)| format!("{api} {n}"))
                .collect();
            s.push_str(&format!(
                " ({} calls in all: {})",
                self.total(),
                each.join(", ")
            ));
        }
        s
    }

    /// One call, counted and (the first of its API) kept: what the interceptor does, in two
    /// steps there.
    #[cfg(test)]
    fn record(&mut self, api: &str, body: &[u8], region: Option<&str>) {
        if self.tally(api, region) {
            self.keep_first(api, parse_body(body));
        }
    }

    /// Counts a call of `api`; true for the first of its API, whose body is to be kept.
    fn tally(&mut self, api: &str, region: Option<&str>) -> bool {
        if self.region.is_none() {
            self.region = region.map(str::to_owned);
        }
        if let Some((_, n)) = self.counts.iter_mut().find(|(a, _)| a == api) {
            *n += 1;
            return false;
        }
        self.counts.push((api.to_owned(), 1));
        true
    }

    /// Keeps the first call of `api`.
    fn keep_first(&mut self, api: &str, body: Value) {
        self.first.push(SentCall {
            api: api.to_owned(),
            body,
        });
    }
}

/// A wire body as JSON (as text if it is not JSON).
fn parse_body(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

impl Sent {}

/// Why an operation makes many calls of `api`.
fn why_many(api: &str) -> &'static str {
    match api {
        "BatchWriteItem" => "one per 25 items (DynamoDB's most per call) and each resend",
        "BatchGetItem" => "one per 100 keys (DynamoDB's most per call) and each resend",
        "Query" => "one per page (1 MB or Limit); a big request's seq ranges read at once",
        "Scan" => "one per page (1 MB or Limit) of each segment",
        "ExecuteStatement" => "one per page (NextToken)",
        "DeleteItem" | "PutItem" | "GetItem" | "UpdateItem" => "one per item",
        _ => "attempts included",
    }
}

/// Where the calls of a [`recording`] go. Shared (not a `RefCell`) so that a task spawned
/// inside one can record into it too ([`in_current_recording`]).
type Recorder = Arc<Mutex<Sent>>;

tokio::task_local! {
    static RECORDER: Recorder;
}

/// Runs `fut`, recording every DynamoDB call made while it is polled (by any client built by
/// `backend`). Calls made by tasks it spawns are recorded only if those futures are wrapped
/// in [`in_current_recording`]. A recording inside another records only into the inner one.
pub async fn recording<F: Future>(fut: F) -> (F::Output, Sent) {
    let recorder = Recorder::default();
    let out = RECORDER.scope(recorder.clone(), fut).await;
    let sent = std::mem::take(&mut *recorder.lock().unwrap_or_else(|e| e.into_inner()));
    (out, sent)
}

/// `fut`, recording into the recording the caller is in (if any): for futures handed to
/// `tokio::spawn`, which would otherwise run outside it.
pub fn in_current_recording<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let current = RECORDER.try_with(Arc::clone).ok();
    async move {
        match current {
            Some(recorder) => RECORDER.scope(recorder, fut).await,
            None => fut.await,
        }
    }
}

/// The interceptor: reads each attempt's request just before it is sent.
#[derive(Debug, Default, Clone, Copy)]
pub struct CallRecorder;

/// `DynamoDB_20120810.Query` -> `Query`.
fn api_of(target: &str) -> &str {
    target.rsplit_once('.').map_or(target, |(_, api)| api)
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "dynamo-explorer CallRecorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Not recording: the task-local is absent, nothing else is looked at.
        let _ = RECORDER.try_with(|recorder| {
            let request = context.request();
            let Some(target) = request.headers().get("x-amz-target") else {
                return;
            };
            let body = request.body().bytes().unwrap_or_default();
            let region = cfg.load::<aws_sdk_dynamodb::config::Region>();
            let api = api_of(target);
            let lock = || recorder.lock().unwrap_or_else(|e| e.into_inner());
            // Counted under the lock; the first body of an API (megabytes for a batch of
            // large items) parsed outside it, so the job's other sends do not wait on it.
            if lock().tally(api, region.map(|r| r.as_ref())) {
                let body = parse_body(body);
                lock().keep_first(api, body);
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent(calls: &[(&str, &str)]) -> Sent {
        let mut s = Sent::default();
        for (api, body) in calls {
            s.record(api, body.as_bytes(), None);
        }
        s
    }

    #[test]
    fn api_from_target() {
        assert_eq!(api_of("DynamoDB_20120810.Query"), "Query");
        assert_eq!(api_of("Query"), "Query");
    }

    #[test]
    fn keeps_the_first_body_of_each_api_and_counts_all() {
        let s = sent(&[
            ("DescribeTable", r#"{"TableName":"t"}"#),
            ("BatchWriteItem", r#"{"n":1}"#),
            ("BatchWriteItem", r#"{"n":2}"#),
            ("DescribeTable", r#"{"TableName":"u"}"#),
            ("BatchWriteItem", r#"{"n":3}"#),
        ]);
        assert_eq!(
            s.counts,
            vec![("DescribeTable".into(), 2), ("BatchWriteItem".into(), 3)]
        );
        assert_eq!(s.first.len(), 2);
        assert_eq!(s.first[0].body, json!({"TableName": "t"}));
        assert_eq!(s.first[1].body, json!({"n": 1}));
        assert_eq!(s.total(), 5);
        assert_eq!(s.main_call().unwrap().api, "BatchWriteItem");
        assert_eq!(
            s.summary(),
            "first of 3 BatchWriteItem calls, one per 25 items (DynamoDB's most per call) and each resend (5 calls in all: DescribeTable 2, BatchWriteItem 3)"
        );
    }

    #[test]
    fn main_call_prefers_data_calls_then_the_earliest_on_a_tie() {
        let s = sent(&[
            ("DescribeTable", "{}"),
            ("DescribeTable", "{}"),
            ("Query", "{}"),
            ("GetItem", "{}"),
        ]);
        assert_eq!(s.main_call().unwrap().api, "Query");
        let only_meta = sent(&[("ListTables", "{}"), ("DescribeTable", "{}")]);
        assert_eq!(only_meta.main_call().unwrap().api, "ListTables");
        assert_eq!(sent(&[("Query", "{}")]).summary(), "1 Query call");
        assert_eq!(Sent::default().main_call(), None);
        assert_eq!(Sent::default().summary(), "no DynamoDB calls");
    }

    #[test]
    fn a_body_that_is_not_json_is_kept_as_text() {
        let s = sent(&[("Query", "not json")]);
        assert_eq!(s.first[0].body, json!("not json"));
    }

    #[tokio::test]
    async fn spawned_tasks_record_only_when_wrapped() {
        let ((), s) = recording(async {
            tokio::spawn(in_current_recording(async {
                let _ = RECORDER.try_with(|r| r.lock().unwrap().record("Scan", b"{}", None));
            }))
            .await
            .unwrap();
            tokio::spawn(async {
                assert!(RECORDER.try_with(|_| ()).is_err());
            })
            .await
            .unwrap();
        })
        .await;
        assert_eq!(s.counts, vec![("Scan".into(), 1)]);
        // Outside any recording the wrapper is a no-op.
        in_current_recording(async {}).await;
    }
}
