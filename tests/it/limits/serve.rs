//! `serve --limits` for other clients: DynamoDB's own answers, HTTP 400 with
//! `ThrottlingReasons` and `UnprocessedItems`.

use super::*;

fn item(pk: &str, payload_bytes: usize, gsi: Option<&str>) -> HashMap<String, AttributeValue> {
    let mut m = HashMap::from([
        ("pk".to_owned(), s(pk)),
        ("p".to_owned(), s(&"x".repeat(payload_bytes))),
    ]);
    if let Some(g) = gsi {
        m.insert("c".to_owned(), s(g));
    }
    m
}

async fn create(client: &aws_sdk_dynamodb::Client, table: &str, with_gsi: bool) {
    let attr = |n: &str| {
        AttributeDefinition::builder()
            .attribute_name(n)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    let hash = |n: &str| {
        KeySchemaElement::builder()
            .attribute_name(n)
            .key_type(KeyType::Hash)
            .build()
            .unwrap()
    };
    let mut req = client
        .create_table()
        .table_name(table)
        .attribute_definitions(attr("pk"))
        .key_schema(hash("pk"))
        .billing_mode(BillingMode::PayPerRequest);
    if with_gsi {
        req = req
            .attribute_definitions(attr("c"))
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name("by_c")
                    .key_schema(hash("c"))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            );
    }
    req.send().await.expect("CreateTable passes through");
}

fn put_request(i: HashMap<String, AttributeValue>) -> WriteRequest {
    WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(i)).build().unwrap())
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_with_limits_answers_other_clients_as_dynamodb_does() {
    let served = serve(&[
        "--limits",
        "provisioned:100,50",
        "--gsi-limits",
        "by_c=100,1",
    ]);
    // The SDK with its retries off (local_client), as a service's own test would use it.
    let client = local_client(&served.url);

    // GSI back-pressure: 1 WCU/s on the index, 50 on the table. A 10 KB item leaves the
    // index 9 units in debt (9 s to recover) and the table with 40.
    create(&client, "with_gsi", true).await;
    client
        .put_item()
        .table_name("with_gsi")
        .set_item(Some(item("k0", 10 * 1024, Some("open"))))
        .send()
        .await
        .expect("the index had a unit");
    let err = client
        .put_item()
        .table_name("with_gsi")
        .set_item(Some(item("k9", 10, Some("done"))))
        .send()
        .await
        .expect_err("the index is out of budget");
    let reasons = throttling_reasons(&err);
    assert_eq!(
        reasons,
        [(
            "IndexWriteProvisionedThroughputExceeded".to_owned(),
            "arn:aws:dynamodb:local:000000000000:table/with_gsi/index/by_c".to_owned()
        )]
    );
    // The table itself still has room for an item the index does not hold.
    client
        .put_item()
        .table_name("with_gsi")
        .set_item(Some(item("k10", 10, None)))
        .send()
        .await
        .expect("no index entry, no back-pressure");

    // The table's own budget: 50 WCU to start with.
    create(&client, "plain", false).await;
    let small: Vec<WriteRequest> = (0..25)
        .map(|i| put_request(item(&format!("a{i}"), 10, None)))
        .collect();
    let out = client
        .batch_write_item()
        .request_items("plain", small)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .expect("25 of 50 units");
    assert!(out.unprocessed_items().is_none_or(|m| m.is_empty()));
    let cc = &out.consumed_capacity()[0];
    assert_eq!(cc.capacity_units(), Some(25.0));
    assert!(cc.table().is_none(), "TOTAL: no breakdown, as asked");
    // Two 300 KB items (293 WCU each) on 25 units: the first is written (into debt), the
    // second comes back unprocessed.
    let big: Vec<WriteRequest> = (0..2)
        .map(|i| put_request(item(&format!("b{i}"), 300 * 1024, None)))
        .collect();
    let out = client
        .batch_write_item()
        .request_items("plain", big)
        .send()
        .await
        .expect("a batch with room for one item succeeds");
    let back = out
        .unprocessed_items()
        .and_then(|m| m.get("plain"))
        .unwrap();
    assert_eq!(back.len(), 1);
    assert!(out.consumed_capacity().is_empty(), "NONE asked, none given");
    // Now in debt for seconds: a single put is refused whole.
    let err = client
        .put_item()
        .table_name("plain")
        .set_item(Some(item("c", 10, None)))
        .send()
        .await
        .expect_err("in debt");
    assert_eq!(err.code(), Some("ProvisionedThroughputExceededException"));
    assert_eq!(
        throttling_reasons(&err),
        [(
            "TableWriteProvisionedThroughputExceeded".to_owned(),
            "arn:aws:dynamodb:local:000000000000:table/plain".to_owned()
        )]
    );
    // And a batch where nothing fits is refused whole, with the error.
    let err = client
        .batch_write_item()
        .request_items("plain", vec![put_request(item("d", 10, None))])
        .send()
        .await
        .expect_err("nothing fits");
    assert_eq!(err.code(), Some("ProvisionedThroughputExceededException"));
    // Reads have their own budget: a read of what landed goes through.
    let got = client
        .get_item()
        .table_name("plain")
        .key("pk", s("b0"))
        .send()
        .await
        .expect("reads are not held back by writes");
    assert!(got.item().is_some());
}
