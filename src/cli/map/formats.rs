//! The file formats of `kiln map`: which one a file is (its extension, or
//! `--input-format`/`--output-format`), the Arrow readers of the inputs that are not CSV
//! (Parquet, Arrow IPC files and streams, NDJSON), and the writers of every output.

use super::text;
use super::Failure;
use crate::cli::args::DataFormat;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::Arc;

/// The format a file's extension says (`None`: no known extension).
pub fn by_extension(path: &Path) -> Option<DataFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" => DataFormat::Csv,
        "parquet" | "pq" => DataFormat::Parquet,
        "arrow" | "ipc" | "feather" => DataFormat::Arrow,
        "arrows" => DataFormat::Arrows,
        "ndjson" | "jsonl" => DataFormat::Ndjson,
        _ => return None,
    })
}

/// Batches of an Arrow input.
pub type Batches = Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send>;

/// Open the Arrow input `path` (`-`: standard input, for the formats that are read
/// front to back) of format `format`: its schema and its batches of about `rows` rows.
/// `typed` are the columns params read with the Arrow types they want, for NDJSON,
/// whose other columns' types are inferred from its first records.
pub fn open(
    format: DataFormat,
    path: &Path,
    name: &str,
    rows: usize,
    typed: &[(String, DataType)],
) -> Result<(SchemaRef, Batches), Failure> {
    let stdin = path.as_os_str() == "-";
    let seekable = |what: &str| {
        Failure::Usage(format!(
            "{what} cannot be read from standard input: give the file's name"
        ))
    };
    let file =
        || File::open(path).map_err(|e| Failure::Usage(format!("cannot read `{name}`: {e}")));
    let bad = |e: String| Failure::unreadable(name, e, super::EXIT_USAGE);
    match format {
        DataFormat::Parquet => {
            if stdin {
                return Err(seekable("a Parquet file"));
            }
            let builder =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file()?)
                    .map_err(|e| bad(e.to_string()))?;
            let reader = builder
                .with_batch_size(rows)
                .build()
                .map_err(|e| bad(e.to_string()))?;
            Ok((reader.schema(), Box::new(reader)))
        }
        DataFormat::Arrow => {
            if stdin {
                return Err(seekable("an Arrow IPC file"));
            }
            let reader = arrow_ipc::reader::FileReader::try_new(BufReader::new(file()?), None)
                .map_err(|e| bad(e.to_string()))?;
            Ok((reader.schema(), Box::new(reader)))
        }
        DataFormat::Arrows => {
            let input: Box<dyn Read + Send> = match stdin {
                true => Box::new(io::stdin()),
                false => Box::new(file()?),
            };
            let reader = arrow_ipc::reader::StreamReader::try_new(BufReader::new(input), None)
                .map_err(|e| bad(e.to_string()))?;
            Ok((reader.schema(), Box::new(reader)))
        }
        DataFormat::Ndjson => {
            if stdin {
                return Err(seekable("NDJSON (its column types are inferred first)"));
            }
            let mut input = BufReader::new(file()?);
            let (inferred, _) =
                arrow_json::reader::infer_json_schema_from_seekable(&mut input, Some(1000))
                    .map_err(|e| bad(e.to_string()))?;
            let fields: Vec<Field> = inferred
                .fields()
                .iter()
                .map(|f| match typed.iter().find(|(n, _)| n == f.name()) {
                    Some((_, dt)) => Field::new(f.name(), dt.clone(), true),
                    None => f.as_ref().clone(),
                })
                .collect();
            let schema = Arc::new(Schema::new(fields));
            let reader = arrow_json::ReaderBuilder::new(schema.clone())
                .with_batch_size(rows)
                .build(input)
                .map_err(|e| bad(e.to_string()))?;
            Ok((schema, Box::new(reader)))
        }
        DataFormat::Csv => Err(Failure::Usage(
            "internal error: CSV is not read as Arrow".to_owned(),
        )),
    }
}

/// Where the output goes, in its format.
pub enum Sink {
    /// CSV: of a CSV input, its records as they were read (`csv_in::write_rows`); of an
    /// Arrow input, its columns as Arrow writes them; then the result.
    Csv {
        out: Box<dyn Write + Send>,
    },
    Parquet(parquet::arrow::ArrowWriter<Box<dyn Write + Send>>),
    IpcFile(arrow_ipc::writer::FileWriter<Box<dyn Write + Send>>),
    IpcStream(arrow_ipc::writer::StreamWriter<Box<dyn Write + Send>>),
    Ndjson(arrow_json::LineDelimitedWriter<Box<dyn Write + Send>>),
}

/// A failure to write: `None` when the reader of standard output went away (the
/// command then ends quietly).
pub type WriteError = Option<String>;

fn werr(e: impl std::fmt::Display) -> WriteError {
    let text = e.to_string();
    match text.contains("Broken pipe") {
        true => None,
        false => Some(text),
    }
}

fn io_err(e: io::Error) -> WriteError {
    match e.kind() {
        io::ErrorKind::BrokenPipe => None,
        _ => Some(e.to_string()),
    }
}

impl Sink {
    /// A sink of `format` writing batches of `schema` (the output's: the input's columns
    /// and the result's) to `out`.
    pub fn new(
        format: DataFormat,
        mut out: Box<dyn Write + Send>,
        schema: &SchemaRef,
    ) -> Result<Sink, WriteError> {
        Ok(match format {
            DataFormat::Csv => {
                let mut line = Vec::new();
                for (i, f) in schema.fields().iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    text::field(&mut line, f.name().as_bytes());
                }
                line.push(b'\n');
                out.write_all(&line).map_err(io_err)?;
                Sink::Csv { out }
            }
            DataFormat::Parquet => {
                // Dictionary pages only for text: on numbers (measurements, results) the
                // dictionary fills and is abandoned, after hashing every value (a fifth of
                // the time of a numeric 10 M-row file).
                let mut props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .set_dictionary_enabled(false);
                for f in schema.fields() {
                    if is_text(f.data_type()) {
                        let path = parquet::schema::types::ColumnPath::from(f.name().as_str());
                        props = props.set_column_dictionary_enabled(path, true);
                    }
                }
                let props = props.build();
                Sink::Parquet(
                    parquet::arrow::ArrowWriter::try_new(out, schema.clone(), Some(props))
                        .map_err(werr)?,
                )
            }
            DataFormat::Arrow => {
                Sink::IpcFile(arrow_ipc::writer::FileWriter::try_new(out, schema).map_err(werr)?)
            }
            DataFormat::Arrows => Sink::IpcStream(
                arrow_ipc::writer::StreamWriter::try_new(out, schema).map_err(werr)?,
            ),
            DataFormat::Ndjson => Sink::Ndjson(arrow_json::LineDelimitedWriter::new(out)),
        })
    }

    /// Write one batch: `batch` the output's columns but the result, `result` the result
    /// column.
    pub fn write(
        &mut self,
        schema: &SchemaRef,
        batch: &RecordBatch,
        result: &ArrayRef,
    ) -> Result<(), WriteError> {
        let whole = || {
            let mut columns = batch.columns().to_vec();
            columns.push(result.clone());
            let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(result.len()));
            RecordBatch::try_new_with_options(schema.clone(), columns, &options).map_err(werr)
        };
        match self {
            Sink::Csv { out } => {
                let rows = csv_of_arrow(schema, batch, result)?;
                out.write_all(&rows).map_err(io_err)
            }
            Sink::Parquet(w) => w.write(&whole()?).map_err(werr),
            Sink::IpcFile(w) => w.write(&whole()?).map_err(werr),
            Sink::IpcStream(w) => w.write(&whole()?).map_err(werr),
            Sink::Ndjson(w) => w.write(&whole()?).map_err(werr),
        }
    }

    /// Write rows already formatted by [`csv_of_arrow`] or `csv_in::write_rows` (a CSV sink only).
    pub fn write_csv(&mut self, rows: &[u8]) -> Result<(), WriteError> {
        match self {
            Sink::Csv { out } => out.write_all(rows).map_err(io_err),
            _ => Err(Some(
                "internal error: CSV rows for another format".to_owned(),
            )),
        }
    }

    /// End the output (a Parquet footer, an IPC file's end) and flush it.
    pub fn finish(self) -> Result<(), WriteError> {
        match self {
            Sink::Csv { mut out } => out.flush().map_err(io_err),
            Sink::Parquet(w) => w.close().map(|_| ()).map_err(werr),
            Sink::IpcFile(mut w) => w.finish().map_err(werr),
            Sink::IpcStream(mut w) => w.finish().map_err(werr),
            Sink::Ndjson(mut w) => w.finish().map_err(werr),
        }
    }

    /// Flush what was written so far (CSV to standard output goes out batch by batch).
    pub fn flush(&mut self) -> Result<(), WriteError> {
        match self {
            Sink::Csv { out } => out.flush().map_err(io_err),
            _ => Ok(()),
        }
    }
}

/// The CSV rows of an Arrow input's columns (`batch`, as Arrow writes them) and the
/// result (in the display format): formatted where the batch was evaluated.
pub fn csv_of_arrow(
    schema: &SchemaRef,
    batch: &RecordBatch,
    result: &ArrayRef,
) -> Result<Vec<u8>, WriteError> {
    let mut cells = text::Cells::new(result);
    cells.quoted = false;
    let mut buf = Vec::with_capacity(result.len() * 16);
    let mut offsets = Vec::with_capacity(result.len() + 1);
    offsets.push(0i32);
    for row in 0..result.len() {
        cells.write(&mut buf, row);
        offsets.push(i32::try_from(buf.len()).map_err(werr)?);
    }
    // The result as text (the writer quotes it).
    let texts = StringArray::try_new(
        arrow_buffer::OffsetBuffer::new(offsets.into()),
        arrow_buffer::Buffer::from_vec(buf),
        result.nulls().cloned(),
    )
    .map_err(werr)?;
    let mut columns = batch.columns().to_vec();
    columns.push(Arc::new(texts));
    let fields: Vec<Arc<Field>> = schema
        .fields()
        .iter()
        .take(batch.num_columns())
        .cloned()
        .chain([Arc::new(Field::new("result", DataType::Utf8, true))])
        .collect();
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(result.len()));
    let text_batch =
        RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)
            .map_err(werr)?;
    let mut w = arrow_csv::WriterBuilder::new()
        .with_header(false)
        .build(Vec::with_capacity(result.len() * 32));
    w.write(&text_batch).map_err(werr)?;
    Ok(w.into_inner())
}

/// Whether a column holds text (strings, bytes, or a dictionary of them): what Parquet's
/// dictionary encoding is for.
fn is_text(dt: &arrow_schema::DataType) -> bool {
    use arrow_schema::DataType as D;
    match dt {
        D::Utf8 | D::LargeUtf8 | D::Utf8View | D::Binary | D::LargeBinary | D::BinaryView => true,
        D::Dictionary(_, values) => is_text(values),
        _ => false,
    }
}
