//! A Ballista client that runs a query with Kiln UDFs on a remote cluster started with
//! `kiln-ballista` (see docs/distributed.md):
//!
//! ```text
//! cargo run -p kiln-datafusion --example ballista_client -- \
//!     df://localhost:50050 'SELECT score(a, b) FROM t' t=/shared/data.parquet score=score.expr
//! ```
//!
//! Each `NAME=PATH` ending in `.expr` is a UDF; any other is a table.

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use kiln_datafusion::codec::KilnCodec;
use kiln_datafusion::{sql, KilnUdf};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, query, rest @ ..] = args.as_slice() else {
        return Err("usage: ballista_client df://HOST:PORT 'QUERY' [NAME=PATH ...]".into());
    };
    let codec = KilnCodec::new();
    let state = SessionStateBuilder::new()
        .with_config(codec.configure(SessionConfig::new_with_ballista()))
        .with_default_features()
        .build();
    let ctx = SessionContext::remote_with_state(url, state).await?;
    for arg in rest {
        let (name, path) = arg.split_once('=').ok_or("NAME=PATH")?;
        if path.ends_with(".expr") {
            let source = std::fs::read_to_string(path)?;
            ctx.register_udf(KilnUdf::compile(name, &source)?);
        } else {
            sql::register_path(&ctx, name, path).await?;
        }
    }
    let batches = ctx.sql(query).await?.collect().await?;
    println!("{}", pretty_format_batches(&batches)?);
    eprintln!("{:?}", codec.stats());
    Ok(())
}
