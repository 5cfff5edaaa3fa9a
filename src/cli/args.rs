//! The connection flags every command shares (`--table`, `--db`, `--memory`, `--endpoint`,
//! `--aws`, `--profile`, `--region`, `--create-table`, `--limits`, `--gsi-limits`) and the
//! backend they pick.

use std::path::PathBuf;

use clap::Args;
use color_eyre::eyre::{Result, eyre};

use crate::backend::{self, Backend, Create, DbLocation};
use crate::limits::LimitsConfig;
use crate::request::schema::DEFAULT_TABLE_NAME;

/// The heading of the connection flags (and `--json`, `--log-file`) in every command's help,
/// apart from the command's own options.
pub const CONNECTION_HEADING: &str = "Connection options";

/// Which backend and table.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = CONNECTION_HEADING)]
pub struct ConnectionArgs {
    /// Table name.
    #[arg(long, global = true, default_value = DEFAULT_TABLE_NAME, value_name = "NAME")]
    pub table: String,
    /// Embedded engine: keep the data in this SQLite file (default: local.db in the platform data directory).
    #[arg(long, global = true, value_name = "PATH", conflicts_with_all = ["memory", "endpoint", "aws"])]
    pub db: Option<PathBuf>,
    /// Embedded engine in memory: nothing is kept after exit.
    #[arg(long, global = true, conflicts_with_all = ["endpoint", "aws"])]
    pub memory: bool,
    /// A DynamoDB-compatible endpoint: DynamoDB Local, LocalStack, Alternator
    /// (default from AWS_ENDPOINT_URL_DYNAMODB when no other backend flag is given).
    #[arg(long, global = true, value_name = "URL", conflicts_with = "aws")]
    pub endpoint: Option<String>,
    /// Amazon DynamoDB with the standard credential chain (env, profiles, SSO).
    #[arg(long, global = true)]
    pub aws: bool,
    /// AWS profile (implies --aws unless --endpoint is given).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (implies --aws unless --endpoint is given).
    #[arg(long, global = true, value_name = "NAME")]
    pub region: Option<String>,
    /// On AWS, create the table if it is missing (local engines always do).
    #[arg(long, global = true)]
    pub create_table: bool,
    /// Simulate AWS's throughput limits in front of a local engine: off (the default),
    /// on-demand, or provisioned:READ,WRITE[,burst=SECONDS] (capacity units per second).
    /// Refused on AWS, which has its own.
    #[arg(long, global = true, value_name = "MODEL")]
    pub limits: Option<String>,
    /// A GSI's own read and write units per second under --limits, e.g. by_customer=100,50
    /// (repeat for more indexes).
    #[arg(long, global = true, value_name = "NAME=READ,WRITE")]
    pub gsi_limits: Vec<String>,
    /// Refuse every write (generate, delete, drop-table, reset, labs, table creation) in one
    /// line before anything is sent. Also DYNAMO_EXPLORER_READ_ONLY=1.
    #[arg(long, global = true, env = "DYNAMO_EXPLORER_READ_ONLY",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub read_only: bool,
}

impl ConnectionArgs {
    /// When a missing table may be created.
    pub fn create(&self) -> Create {
        if self.read_only {
            Create::Never
        } else if self.create_table {
            Create::AlsoOnAws
        } else {
            Create::Local
        }
    }

    /// The backend and limits these flags pick, checked (no `--limits` on AWS), with the
    /// plain-HTTP warning said: what every command that connects starts with.
    pub fn checked(&self) -> Result<(Backend, LimitsConfig)> {
        let limits = self.limits()?;
        let backend = self.backend()?;
        backend::check_limits(&backend, &limits)?;
        super::output::warn_plain_http(&backend);
        Ok((backend, limits))
    }

    /// Refuses `what` (a write) under `--read-only`, in one line, before anything is sent.
    pub fn writable(&self, what: &str) -> Result<()> {
        if self.read_only {
            color_eyre::eyre::bail!(
                "--read-only: {what} writes to the table; nothing was sent \
                 (leave out --read-only, or unset DYNAMO_EXPLORER_READ_ONLY, to write)"
            );
        }
        Ok(())
    }

    /// `--limits` and `--gsi-limits`, checked (one line saying what is wrong otherwise).
    pub fn limits(&self) -> Result<LimitsConfig> {
        LimitsConfig::parse(self.limits.as_deref().unwrap_or("off"), &self.gsi_limits)
            .map_err(|e| eyre!(e))
    }

    /// The backend these flags pick. AWS is never chosen without a flag asking for it.
    pub fn backend(&self) -> Result<Backend> {
        if let Some(url) = &self.endpoint {
            return Ok(Backend::Endpoint {
                url: url.clone(),
                region: self.region.clone(),
                profile: self.profile.clone(),
            });
        }
        if self.aws || self.profile.is_some() || self.region.is_some() {
            return Ok(Backend::Aws {
                profile: self.profile.clone(),
                region: self.region.clone(),
            });
        }
        if self.memory {
            return Ok(Backend::Embedded(DbLocation::Memory));
        }
        if let Some(db) = &self.db {
            return Ok(Backend::Embedded(DbLocation::File(db.clone())));
        }
        if let Some(url) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
            .ok()
            .filter(|u| !u.is_empty())
        {
            return Ok(Backend::Endpoint {
                url,
                region: None,
                profile: None,
            });
        }
        Ok(Backend::Embedded(DbLocation::File(
            backend::default_db_path()?,
        )))
    }
}

/// The expression flags `query` and `scan` share.
#[derive(Debug, Clone, Default, Args)]
pub struct ExprArgs {
    /// A filter expression, e.g. 'status = :s' (applied after reading: the RCU are for every
    /// item read). Bare attribute names are aliased for you, reserved words included.
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Expression attribute names as JSON, e.g. '{"#s": "status"}'.
    #[arg(long, value_name = "JSON")]
    pub names: Option<String>,
    /// Expression attribute values as JSON, e.g. '{":s": "open", ":n": 5}' (plain JSON, or
    /// DynamoDB JSON like {"N": "5"} taken as typed).
    #[arg(long, value_name = "JSON")]
    pub values: Option<String>,
    /// Return only these attributes, e.g. pk,sk,total (a projection saves no RCU).
    #[arg(long, value_name = "A,B,C")]
    pub project: Option<String>,
}

impl From<&ExprArgs> for crate::table::Expressions {
    fn from(a: &ExprArgs) -> Self {
        crate::table::Expressions {
            filter: a.filter.clone(),
            names: a.names.clone(),
            values: a.values.clone(),
            project: a.project.clone(),
        }
    }
}

impl ExprArgs {
    /// Any of them given.
    pub fn any(&self) -> bool {
        self.filter.is_some()
            || self.names.is_some()
            || self.values.is_some()
            || self.project.is_some()
    }
}
