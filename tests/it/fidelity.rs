//! Fidelity: the same calls on the embedded engine and on Amazon DynamoDB Local, compared by
//! the ConsumedCapacity each reports (table and index) and by the errors each gives. The calls
//! cover what the capacity rules turn on: puts across the 1 KB (write) and 4 KB (read)
//! boundaries, an overwrite, GetItem strong / eventual / missing, BatchWriteItem, Query with
//! Limit and with a filter, Scan, a GSI query, TransactWriteItems, a failed conditional put,
//! and deletes.
//!
//! Differences that remain are listed in [`KNOWN`] with what each engine reports; README's
//! backend section repeats them. The test fails if a step differs that is not listed, and
//! also if a listed difference has gone (so the list, and README, stay true).

use crate::common;

use std::collections::{BTreeMap, HashMap};

use crate::common::engines;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConsumedCapacity, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, PutRequest, ReturnConsumedCapacity,
    ScalarAttributeType, TransactWriteItem, WriteRequest,
};
use dynamo_explorer::backend::local_client;

/// Steps whose figures differ between the engines today: (step, why).
const KNOWN: &[(&str, &str)] = &[(
    "TransactWriteItems 2 x 500 B",
    "DynamoDB Local reports 1 WCU per item on the table; the embedded engine 2, which is AWS's \
     rule (a transactional write costs twice a standard one). Both report 1 per item on the GSI.",
)];

/// What one step reported: the table's units and each index's, or the error code.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Units {
        table: f64,
        indexes: BTreeMap<String, f64>,
    },
    Error(String),
}

fn seen(cc: Option<&ConsumedCapacity>) -> Seen {
    let table = cc
        .and_then(|c| c.table())
        .and_then(|t| t.capacity_units())
        .or_else(|| cc.and_then(|c| c.capacity_units()))
        .unwrap_or(0.0);
    let indexes = cc
        .and_then(|c| c.global_secondary_indexes())
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.capacity_units().unwrap_or(0.0)))
                .collect()
        })
        .unwrap_or_default();
    Seen::Units { table, indexes }
}

fn sum(ccs: &[ConsumedCapacity]) -> Seen {
    let mut table = 0.0;
    let mut indexes = BTreeMap::new();
    for cc in ccs {
        if let Seen::Units {
            table: t,
            indexes: i,
        } = seen(Some(cc))
        {
            table += t;
            for (k, v) in i {
                *indexes.entry(k).or_insert(0.0) += v;
            }
        }
    }
    Seen::Units { table, indexes }
}

fn err_code<E: ProvideErrorMetadata>(e: &E) -> Seen {
    Seen::Error(e.code().unwrap_or("unknown").to_owned())
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

/// An item of exactly `bytes` bytes as DynamoDB sizes it: names plus values, with the
/// payload making up the rest ("pk" + value, "sk" + a number of 1 or 2 digits: 2 bytes,
/// "c" + value, "p" + payload).
fn item(pk: &str, sk: u32, customer: &str, bytes: usize) -> HashMap<String, AttributeValue> {
    assert!(sk < 100, "2 bytes of number");
    let fixed = 2 + pk.len() + 2 + 2 + 1 + customer.len() + 1;
    let payload = bytes.saturating_sub(fixed);
    HashMap::from([
        ("pk".to_owned(), s(pk)),
        ("sk".to_owned(), AttributeValue::N(sk.to_string())),
        ("c".to_owned(), s(customer)),
        ("p".to_owned(), s(&"x".repeat(payload))),
    ])
}

async fn create(client: &Client, table: &str) {
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key")
    };
    let attr = |name: &str, t| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(t)
            .build()
            .expect("attr")
    };
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .attribute_definitions(attr("pk", ScalarAttributeType::S))
        .attribute_definitions(attr("sk", ScalarAttributeType::N))
        .attribute_definitions(attr("c", ScalarAttributeType::S))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_c")
                .key_schema(key("c", KeyType::Hash))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("gsi"),
        )
        .send()
        .await
        .expect("table created");
}

/// The script: every step's name and what the engine reported.
async fn script(client: &Client, table: &str) -> Vec<(&'static str, Seen)> {
    let total = ReturnConsumedCapacity::Indexes;
    let mut out = Vec::new();
    let put = |it: HashMap<String, AttributeValue>| {
        client
            .put_item()
            .table_name(table)
            .set_item(Some(it))
            .return_consumed_capacity(total.clone())
            .send()
    };
    for (name, bytes, sk) in [
        ("put 1,024 B", 1024, 1),
        ("put 1,025 B", 1025, 2),
        ("put 4,096 B", 4096, 3),
        ("put 4,097 B", 4097, 4),
    ] {
        let r = put(item("a", sk, "c1", bytes)).await.expect(name);
        out.push((name, seen(r.consumed_capacity())));
    }
    let r = put(item("a", 1, "c1", 3000)).await.expect("overwrite");
    out.push((
        "overwrite 1,024 B with 3,000 B",
        seen(r.consumed_capacity()),
    ));

    for (name, sk, consistent) in [
        ("get 4,096 B strong", 3, true),
        ("get 4,097 B strong", 4, true),
        ("get 4,097 B eventual", 4, false),
        ("get missing strong", 99, true),
    ] {
        let r = client
            .get_item()
            .table_name(table)
            .key("pk", s("a"))
            .key("sk", AttributeValue::N(sk.to_string()))
            .consistent_read(consistent)
            .return_consumed_capacity(total.clone())
            .send()
            .await
            .expect(name);
        out.push((name, seen(r.consumed_capacity())));
    }

    let writes: Vec<WriteRequest> = (10..15)
        .map(|sk| {
            WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(item("b", sk, "c2", 1500)))
                        .build()
                        .expect("put"),
                )
                .build()
        })
        .collect();
    let r = client
        .batch_write_item()
        .request_items(table, writes)
        .return_consumed_capacity(total.clone())
        .send()
        .await
        .expect("batch");
    out.push(("BatchWriteItem 5 x 1,500 B", sum(r.consumed_capacity())));

    let q = || {
        client
            .query()
            .table_name(table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s("b"))
            .return_consumed_capacity(total.clone())
    };
    let r = q().limit(2).send().await.expect("query limit");
    out.push(("Query Limit 2 eventual", seen(r.consumed_capacity())));
    let r = q()
        .consistent_read(true)
        .filter_expression("c <> :c")
        .expression_attribute_values(":c", s("c2"))
        .send()
        .await
        .expect("query filter");
    out.push(("Query with filter strong", seen(r.consumed_capacity())));
    let r = client
        .scan()
        .table_name(table)
        .return_consumed_capacity(total.clone())
        .send()
        .await
        .expect("scan");
    out.push(("Scan eventual", seen(r.consumed_capacity())));
    let r = client
        .query()
        .table_name(table)
        .index_name("by_c")
        .key_condition_expression("c = :c")
        .expression_attribute_values(":c", s("c2"))
        .return_consumed_capacity(total.clone())
        .send()
        .await
        .expect("gsi query");
    out.push(("GSI Query eventual", seen(r.consumed_capacity())));

    let tx: Vec<TransactWriteItem> = (20..22)
        .map(|sk| {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(table)
                        .set_item(Some(item("c", sk, "c3", 500)))
                        .build()
                        .expect("put"),
                )
                .build()
        })
        .collect();
    let r = client
        .transact_write_items()
        .set_transact_items(Some(tx))
        .return_consumed_capacity(total.clone())
        .send()
        .await
        .expect("transaction");
    out.push(("TransactWriteItems 2 x 500 B", sum(r.consumed_capacity())));

    let r = client
        .put_item()
        .table_name(table)
        .set_item(Some(item("a", 2, "c1", 100)))
        .condition_expression("attribute_not_exists(pk)")
        .return_consumed_capacity(total.clone())
        .send()
        .await;
    out.push((
        "conditional put on an existing item",
        match r {
            Ok(r) => seen(r.consumed_capacity()),
            Err(e) => err_code(&e.into_service_error()),
        },
    ));

    for (name, sk) in [("delete 4,097 B", 4), ("delete missing", 98)] {
        let r = client
            .delete_item()
            .table_name(table)
            .key("pk", s("a"))
            .key("sk", AttributeValue::N(sk.to_string()))
            .return_consumed_capacity(total.clone())
            .send()
            .await
            .expect(name);
        out.push((name, seen(r.consumed_capacity())));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_engine_reports_what_dynamodb_local_reports() {
    let engines = engines().await;
    if engines.len() < 2 {
        eprintln!("SKIPPED: DYNAMODB_LOCAL_ENDPOINT is not set, nothing to compare with");
        return;
    }
    let mut results = Vec::new();
    for engine in &engines {
        let client = local_client(&engine.url);
        let table = common::table_name("fidelity");
        create(&client, &table).await;
        results.push(script(&client, &table).await);
        client
            .delete_table()
            .table_name(&table)
            .send()
            .await
            .expect("cleanup");
    }
    let (embedded, local) = (&results[0], &results[1]);
    let mut report = String::new();
    let mut unexpected = Vec::new();
    for ((step, a), (_, b)) in embedded.iter().zip(local) {
        let known = KNOWN.iter().any(|(k, _)| k == step);
        let same = a == b;
        report.push_str(&format!(
            "{step:<40} embedded {a:?}  dynamodb-local {b:?}{}\n",
            if same { "" } else { "  <- differs" }
        ));
        if same == known {
            unexpected.push(*step);
        }
    }
    eprintln!("{report}");
    assert!(
        unexpected.is_empty(),
        "steps that differ without being listed in KNOWN, or listed but no longer differing: \
         {unexpected:?}\n{report}"
    );
}
