//! Data files for `kiln map`'s tests, written and read back with the Arrow crates
//! themselves: every format `kiln map` reads and writes, by name.

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::SchemaRef;
use std::fs::File;
use std::io::{BufReader, Seek};
use std::path::Path;
use std::sync::Arc;

/// The formats, as `--input-format`/`--output-format` name them, with an extension.
pub const FORMATS: [(&str, &str); 5] = [
    ("csv", "csv"),
    ("parquet", "parquet"),
    ("arrow", "arrow"),
    ("arrows", "arrows"),
    ("ndjson", "ndjson"),
];

/// Write `batches` (of one schema) to `path` in `format`.
pub fn write(path: &Path, format: &str, batches: &[RecordBatch]) {
    let schema = batches[0].schema();
    let file = File::create(path).unwrap();
    match format {
        "csv" => {
            let mut w = arrow_csv::WriterBuilder::new()
                .with_header(true)
                .build(file);
            for b in batches {
                w.write(b).unwrap();
            }
        }
        "parquet" => {
            let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
            for b in batches {
                w.write(b).unwrap();
            }
            w.close().unwrap();
        }
        "arrow" => {
            let mut w = arrow_ipc::writer::FileWriter::try_new(file, &schema).unwrap();
            for b in batches {
                w.write(b).unwrap();
            }
            w.finish().unwrap();
        }
        "arrows" => {
            let mut w = arrow_ipc::writer::StreamWriter::try_new(file, &schema).unwrap();
            for b in batches {
                w.write(b).unwrap();
            }
            w.finish().unwrap();
        }
        "ndjson" => {
            let mut w = arrow_json::LineDelimitedWriter::new(file);
            for b in batches {
                w.write(b).unwrap();
            }
            w.finish().unwrap();
        }
        other => panic!("no format {other}"),
    }
}

/// Read `path` in `format` back as one batch. CSV and NDJSON have no types of their
/// own: they are read with `schema`'s.
pub fn read(path: &Path, format: &str, schema: Option<SchemaRef>) -> RecordBatch {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (schema, batches): (SchemaRef, Vec<RecordBatch>) = match format {
        "csv" => {
            let schema = schema.expect("a schema to read CSV with");
            let r = arrow_csv::ReaderBuilder::new(schema.clone())
                .with_header(true)
                .build(file)
                .unwrap();
            (schema, r.map(Result::unwrap).collect())
        }
        "ndjson" => {
            let schema = schema.expect("a schema to read NDJSON with");
            let r = arrow_json::ReaderBuilder::new(schema.clone())
                .build(BufReader::new(file))
                .unwrap();
            (schema, r.map(Result::unwrap).collect())
        }
        "parquet" => {
            let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap();
            (r.schema(), r.map(Result::unwrap).collect())
        }
        "arrow" => {
            let r = arrow_ipc::reader::FileReader::try_new(file, None).unwrap();
            (r.schema(), r.map(Result::unwrap).collect())
        }
        "arrows" => {
            let mut file = file;
            file.rewind().unwrap();
            let r = arrow_ipc::reader::StreamReader::try_new(file, None).unwrap();
            (r.schema(), r.map(Result::unwrap).collect())
        }
        other => panic!("no format {other}"),
    };
    arrow_select::concat::concat_batches(&schema, &batches).unwrap()
}

/// A batch of `columns` (name, array), every column nullable.
pub fn batch(columns: Vec<(&str, arrow_array::ArrayRef)>) -> RecordBatch {
    let fields: Vec<arrow_schema::Field> = columns
        .iter()
        .map(|(n, a)| arrow_schema::Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}
