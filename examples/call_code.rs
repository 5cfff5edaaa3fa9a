//! The Rust form (`dynamo_explorer::code::render`, `Lang::Rust`) of representative
//! DynamoDB calls (`code::sample_calls`), exactly as rendered: building the examples
//! proves that it compiles, and tests/it/code.rs runs it against the embedded engine.
//! Written by the unit test `code::tests::the_example_is_the_rendered_rust`; after a
//! change to the form, rewrite it with `DX_BLESS=1 cargo test --lib code::`.

fn main() {}

#[allow(dead_code)]
#[rustfmt::skip]
pub mod calls {
    use aws_sdk_dynamodb::Client;

    pub async fn query(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .query()
            .table_name("requests")
            .key_condition_expression("#k0 = :v0 AND #k1 > :v1")
            .expression_attribute_names("#k0", "request_id")
            .expression_attribute_names("#k1", "seq")
            .expression_attribute_values(":v0", AttributeValue::S("req-1".into()))
            .expression_attribute_values(":v1", AttributeValue::N("3".into()))
            .consistent_read(true)
            .scan_index_forward(false)
            .limit(100)
            .exclusive_start_key("request_id", AttributeValue::S("req-1".into()))
            .exclusive_start_key("seq", AttributeValue::N("42".into()))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn scan(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_dynamodb::types::{ReturnConsumedCapacity, Select};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .scan()
            .table_name("requests")
            .filter_expression("attribute_exists(#s)")
            .projection_expression("request_id, #s")
            .expression_attribute_names("#s", "status")
            .select(Select::SpecificAttributes)
            .segment(1)
            .total_segments(4)
            .limit(1000)
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn get_item(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .get_item()
            .table_name("requests")
            .key("request_id", AttributeValue::S("req-1".into()))
            .key("seq", AttributeValue::N("0".into()))
            .projection_expression("#p")
            .expression_attribute_names("#p", "payload")
            .consistent_read(true)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn delete_item(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, ReturnValue};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .delete_item()
            .table_name("requests")
            .key("request_id", AttributeValue::S("it's \"quoted\"".into()))
            .key("seq", AttributeValue::N("7".into()))
            .condition_expression("attribute_exists(request_id)")
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .return_values(ReturnValue::AllOld)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn put_item(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use std::collections::HashMap;

        use aws_sdk_dynamodb::primitives::Blob;
        use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, ReturnItemCollectionMetrics};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .put_item()
            .table_name("requests")
            .item("blob", AttributeValue::B(Blob::new(vec![0, 1, 2, 255])))
            .item("chunks", AttributeValue::Bs(vec![Blob::new(vec![1]), Blob::new(vec![2, 3])]))
            .item("done", AttributeValue::Bool(true))
            .item("gone", AttributeValue::Null(true))
            .item("list", AttributeValue::L(vec![
                AttributeValue::S("x".into()),
                AttributeValue::Null(true),
                AttributeValue::L(vec![]),
            ]))
            .item("meta", AttributeValue::M(HashMap::from([
                ("empty".to_owned(), AttributeValue::M(HashMap::new())),
                ("flag".to_owned(), AttributeValue::Bool(false)),
                ("nested".to_owned(), AttributeValue::M(HashMap::from([
                    ("deep".to_owned(), AttributeValue::L(vec![
                        AttributeValue::N("1".into()),
                        AttributeValue::S("two".into()),
                    ])),
                ]))),
            ])))
            .item("request_id", AttributeValue::S("req-2".into()))
            .item("seq", AttributeValue::N("-1.5e3".into()))
            .item("sizes", AttributeValue::Ns(vec!["1".into(), "2.5".into()]))
            .item("tags", AttributeValue::Ss(vec!["a".into(), "b\\c".into()]))
            .item("text", AttributeValue::S("line 1\nline 2 é 😀 $HOME `x`".into()))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .return_item_collection_metrics(ReturnItemCollectionMetrics::Size)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn batch_write_item(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_dynamodb::primitives::Blob;
        use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, ReturnConsumedCapacity, WriteRequest};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .batch_write_item()
            .request_items("other", vec![
                WriteRequest::builder()
                    .delete_request(DeleteRequest::builder()
                        .key("pk", AttributeValue::S("x".into()))
                        .build()?)
                    .build(),
            ])
            .request_items("requests", vec![
                WriteRequest::builder()
                    .put_request(PutRequest::builder()
                        .item("request_id", AttributeValue::S("req-3".into()))
                        .item("seq", AttributeValue::N("0".into()))
                        .build()?)
                    .build(),
                WriteRequest::builder()
                    .put_request(PutRequest::builder()
                        .item("b", AttributeValue::B(Blob::new(vec![1])))
                        .item("request_id", AttributeValue::S("req-3".into()))
                        .item("seq", AttributeValue::N("1".into()))
                        .build()?)
                    .build(),
                WriteRequest::builder()
                    .delete_request(DeleteRequest::builder()
                        .key("request_id", AttributeValue::S("req-1".into()))
                        .key("seq", AttributeValue::N("0".into()))
                        .build()?)
                    .build(),
            ])
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn batch_get_item(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use std::collections::HashMap;

        use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .batch_get_item()
            .request_items("requests", KeysAndAttributes::builder()
                .keys(HashMap::from([
                    ("request_id".to_owned(), AttributeValue::S("req-1".into())),
                    ("seq".to_owned(), AttributeValue::N("0".into())),
                ]))
                .keys(HashMap::from([
                    ("request_id".to_owned(), AttributeValue::S("req-1".into())),
                    ("seq".to_owned(), AttributeValue::N("1".into())),
                ]))
                .projection_expression("#p")
                .expression_attribute_names("#p", "payload")
                .consistent_read(true)
                .build()?)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn execute_statement(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .execute_statement()
            .statement("SELECT * FROM \"requests\" WHERE request_id = ? AND seq >= ?")
            .parameters(AttributeValue::S("req-1".into()))
            .parameters(AttributeValue::N("2".into()))
            .consistent_read(false)
            .limit(10)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }

    pub async fn describe_table(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
        // `client`: an aws_sdk_dynamodb::Client with .endpoint_url("http://127.0.0.1:8000") and region "us-east-1"
        let resp = client
            .describe_table()
            .table_name("requests")
            .send()
            .await?;
        println!("{resp:#?}");
        Ok(())
    }
}
