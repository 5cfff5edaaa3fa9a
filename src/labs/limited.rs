//! Scratch tables behind throughput limits, for the labs about throttling (`partition-key`,
//! `gsi`). Local engines never throttle, so on one (any plain-http endpoint: the embedded
//! engine, DynamoDB Local) the lab starts a limits layer of its own in front of the engine
//! ([`crate::limits::LimitsLayer`], the same one `--limits` puts there), with the limits it
//! teaches, whatever the session's own `--limits`. On AWS (https) the lab runs on AWS's own
//! limits. Either way the scratch table itself is created and deleted directly on the engine.

use std::sync::Arc;

use aws_sdk_dynamodb::Client;

use super::ctx::StepError;
use crate::limits::{LayerStats, LimitsConfig, LimitsLayer};
use crate::store::Store;

/// A store whose calls meet throughput limits: simulated ones in front of a local engine,
/// AWS's own on AWS.
pub struct Limited {
    /// The store; batch writes ride the limit (they give up only when they stop landing items).
    pub store: Store,
    /// What is simulated (on AWS: nothing, AWS has its own).
    pub config: LimitsConfig,
    layer: Option<Arc<LimitsLayer>>,
}

impl Limited {
    /// Puts `config` in front of `store`'s table: a layer of its own on a local engine, none on
    /// AWS.
    pub async fn new(store: &Store, config: LimitsConfig) -> Result<Self, StepError> {
        let endpoint = store.endpoint();
        if !endpoint.starts_with("http://") {
            return Ok(Limited {
                store: store.clone().patient_under_throttling(),
                config,
                layer: None,
            });
        }
        let layer = LimitsLayer::start_on_loopback(endpoint, config.clone())
            .await
            .map_err(|e| {
                StepError::Failed(format!("cannot start the simulated limits layer: {e}"))
            })?;
        // The session's client with only the endpoint changed: the same credentials and
        // region, so DynamoDB Local (a database per access key and region) finds the table.
        let conf = store
            .client()
            .config()
            .to_builder()
            .endpoint_url(layer.url())
            .build();
        let layer = Arc::new(layer);
        let limited = Store::new(Client::from_conf(conf), store.table(), endpoint)?
            .keeping(layer.clone())
            .patient_under_throttling();
        Ok(Limited {
            store: limited,
            config,
            layer: Some(layer),
        })
    }

    /// What the layer refused so far; `None` on AWS.
    pub fn stats(&self) -> Option<LayerStats> {
        self.layer.as_ref().map(|l| l.stats())
    }

    /// `simulated on-demand limits` or `AWS's own limits`, for conclusions.
    pub fn describe(&self) -> String {
        match &self.layer {
            Some(_) => format!("limits: {}", self.config),
            None => "AWS's own limits".to_owned(),
        }
    }
}
