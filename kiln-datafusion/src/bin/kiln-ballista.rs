//! `kiln-ballista`: a Ballista scheduler or executor with the Kiln extension codecs
//! registered, so queries whose plans call Kiln UDFs can be planned and run there (the
//! UDFs arrive as their source and are compiled once per process). See
//! `docs/distributed.md`.
//!
//! ```text
//! kiln-ballista scheduler --bind 0.0.0.0 --port 50050
//! kiln-ballista executor --scheduler-host sched.local --scheduler-port 50050 --port 50051
//! ```
//!
//! Stock Ballista binaries cannot decode Kiln UDFs: a plan that carries one fails there
//! with "LogicalExtensionCodec is not provided for scalar function".

use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use clap::{Parser, Subcommand};
use kiln_datafusion::codec::KilnCodec;
use std::process::ExitCode;
use std::sync::Arc;

/// A Ballista scheduler or executor that runs Kiln UDFs.
#[derive(Debug, Parser)]
#[command(name = "kiln-ballista", version)]
struct Args {
    #[command(subcommand)]
    role: Role,
}

#[derive(Debug, Subcommand)]
enum Role {
    /// Plan queries and hand their tasks to executors.
    Scheduler {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// The gRPC port clients and executors connect to.
        #[arg(long, default_value_t = 50050)]
        port: u16,
        /// The host name executors and clients reach this scheduler by.
        #[arg(long, default_value = "localhost")]
        external_host: String,
    },
    /// Run the tasks the scheduler hands out.
    Executor {
        /// The scheduler's host.
        #[arg(long, default_value = "localhost")]
        scheduler_host: String,
        /// The scheduler's port.
        #[arg(long, default_value_t = 50050)]
        scheduler_port: u16,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// The host name other executors and clients fetch results from.
        #[arg(long)]
        external_host: Option<String>,
        /// The Arrow Flight port (shuffle and results).
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// The executor's gRPC port.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// Tasks run at once (default: every core).
        #[arg(long)]
        vcores: Option<usize>,
        /// Where shuffle files go (default: a temporary directory).
        #[arg(long)]
        work_dir: Option<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // Kiln programs may recurse deeply; so may DataFusion's planner.
        .thread_stack_size(64 << 20)
        .enable_all()
        .build();
    let result = match runtime {
        Ok(rt) => rt.block_on(run(args)),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    // One codec per process: each distinct UDF is compiled once, whatever the number
    // of plans and tasks that carry it.
    let codec = KilnCodec::new();
    match args.role {
        Role::Scheduler {
            bind,
            port,
            external_host,
        } => {
            let mut config = SchedulerConfig::default()
                .with_hostname(external_host)
                .with_port(port);
            config.bind_host = bind.clone();
            config.override_logical_codec = Some(codec.logical());
            config.override_physical_codec = Some(codec.physical());
            let address = format!("{bind}:{port}")
                .parse()
                .map_err(|e| format!("--bind {bind}: {e}"))?;
            let cluster = BallistaCluster::new_from_config(&config)
                .await
                .map_err(|e| e.to_string())?;
            start_server(cluster, address, Arc::new(config))
                .await
                .map_err(|e| e.to_string())
        }
        Role::Executor {
            scheduler_host,
            scheduler_port,
            bind,
            external_host,
            port,
            grpc_port,
            vcores,
            work_dir,
        } => {
            let mut config = ExecutorProcessConfig {
                scheduler_host,
                scheduler_port,
                bind_host: bind,
                external_host,
                port,
                grpc_port,
                work_dir,
                override_logical_codec: Some(codec.logical()),
                override_physical_codec: Some(codec.physical()),
                ..ExecutorProcessConfig::default()
            };
            if let Some(v) = vcores {
                config.vcores = v;
            }
            start_executor_process(Arc::new(config))
                .await
                .map_err(|e| e.to_string())
        }
    }
}
