//! What `kiln-sql` (and so `kiln sql`) is made of, for hosts that want the same: a
//! session that reads files named in `FROM`, tables registered by path, and query
//! results written by the output file's extension.

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::Schema;
use datafusion::common::{plan_err, Result};
use datafusion::datasource::file_format::options::ArrowReadOptions;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A data file format, as an extension names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row (`.csv`).
    Csv,
    /// Apache Parquet (`.parquet`, `.pq`).
    Parquet,
    /// Arrow IPC file (`.arrow`, `.ipc`, `.feather`).
    Arrow,
    /// Newline-delimited JSON (`.ndjson`, `.jsonl`, `.json`).
    Ndjson,
}

impl Format {
    /// The format a path's extension says (case-insensitive), if it says one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::from_name(&ext)
    }

    /// The format of a name (`csv`, `parquet`, `arrow`, `ndjson`) or extension.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "csv" => Format::Csv,
            "parquet" | "pq" => Format::Parquet,
            "arrow" | "ipc" | "feather" => Format::Arrow,
            "ndjson" | "jsonl" | "json" => Format::Ndjson,
            _ => return None,
        })
    }
}

/// A session whose queries may name a file as a table: `FROM "data.parquet"` (a
/// quoted path; its extension says the format: `.parquet`, `.csv`, `.json`, `.arrow`).
pub fn session() -> SessionContext {
    SessionContext::new().enable_url_table()
}

/// Register the file (or directory of files) at `path` as table `name`, read as its
/// extension says.
pub async fn register_path(ctx: &SessionContext, name: &str, path: &str) -> Result<()> {
    let p = Path::new(path);
    let Some(format) = Format::from_path(p) else {
        return plan_err!(
            "cannot tell the format of `{path}` from its extension \
             (.parquet, .csv, .arrow, .ndjson, .jsonl, .json)"
        );
    };
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    match format {
        Format::Parquet => {
            let options = ParquetReadOptions {
                file_extension: &ext,
                ..Default::default()
            };
            ctx.register_parquet(name, path, options).await
        }
        Format::Csv => {
            let options = CsvReadOptions::new().file_extension(&ext);
            ctx.register_csv(name, path, options).await
        }
        Format::Ndjson => {
            let options = JsonReadOptions::default().file_extension(&ext);
            ctx.register_json(name, path, options).await
        }
        Format::Arrow => {
            let options = ArrowReadOptions {
                file_extension: &ext,
                ..Default::default()
            };
            ctx.register_arrow(name, path, options).await
        }
    }
}

/// One of the writers [`write_stream`] writes batches with.
enum Writer {
    Csv(datafusion::arrow::csv::Writer<BufWriter<File>>),
    Parquet(datafusion::parquet::arrow::ArrowWriter<BufWriter<File>>),
    Arrow(datafusion::arrow::ipc::writer::FileWriter<BufWriter<File>>),
    Ndjson(datafusion::arrow::json::LineDelimitedWriter<BufWriter<File>>),
}

impl Writer {
    fn new(file: BufWriter<File>, format: Format, schema: &Schema) -> Result<Writer> {
        Ok(match format {
            Format::Csv => Writer::Csv(datafusion::arrow::csv::Writer::new(file)),
            Format::Parquet => Writer::Parquet(datafusion::parquet::arrow::ArrowWriter::try_new(
                file,
                schema.clone().into(),
                None,
            )?),
            Format::Arrow => Writer::Arrow(datafusion::arrow::ipc::writer::FileWriter::try_new(
                file, schema,
            )?),
            Format::Ndjson => {
                Writer::Ndjson(datafusion::arrow::json::LineDelimitedWriter::new(file))
            }
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        match self {
            Writer::Csv(w) => w.write(batch)?,
            Writer::Parquet(w) => w.write(batch)?,
            Writer::Arrow(w) => w.write(batch)?,
            Writer::Ndjson(w) => w.write(batch)?,
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        let io = |e: std::io::Error| DataFusionError::IoError(e);
        match self {
            Writer::Csv(w) => w.into_inner().flush().map_err(io),
            Writer::Parquet(w) => {
                w.close()?;
                Ok(())
            }
            Writer::Arrow(mut w) => {
                w.finish()?;
                w.into_inner()?.flush().map_err(io)
            }
            Writer::Ndjson(mut w) => {
                w.finish()?;
                w.into_inner().flush().map_err(io)
            }
        }
    }
}

/// Write every batch of `stream` to `file` in `format`, as the batches arrive; the
/// number of rows written.
pub async fn write_stream(
    mut stream: SendableRecordBatchStream,
    file: File,
    format: Format,
) -> Result<usize> {
    use futures::StreamExt as _;
    let schema = stream.schema();
    let mut writer = Writer::new(BufWriter::new(file), format, &schema)?;
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        let batch = batch?;
        rows += batch.num_rows();
        writer.write(&batch)?;
    }
    writer.finish()?;
    Ok(rows)
}
