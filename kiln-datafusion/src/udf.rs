//! [`KilnUdf`]: a compiled Kiln program as a DataFusion `ScalarUDFImpl`.

use datafusion::arrow::array::{new_empty_array, ArrayRef, RecordBatch, RecordBatchOptions};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use kiln::engine::arrow::{arrow_type, binds, kiln_type};
use kiln::types::ty::{FloatTy, Ty};
use kiln::{ArrowError, CompileError, Engine, EngineOptions, Program};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// How the text of every [`DataFusionError::Execution`] a Kiln runtime fault becomes
/// begins (see [`is_kiln_fault`]).
pub const FAULT_PREFIX: &str = "Kiln runtime error in UDF";

/// Whether `error` is (or wraps) a Kiln runtime fault raised by a [`KilnUdf`], as
/// opposed to a planning or I/O error. Errors that came back from a Ballista executor
/// are text; they are recognised by [`FAULT_PREFIX`] anywhere in it.
pub fn is_kiln_fault(error: &DataFusionError) -> bool {
    match error.find_root() {
        DataFusionError::Execution(message) => message.starts_with(FAULT_PREFIX),
        root => root.to_string().contains(FAULT_PREFIX),
    }
}

/// Why a Kiln program could not become a UDF.
#[derive(Debug)]
pub enum UdfError {
    /// The program did not compile: its diagnostics (render them with
    /// [`CompileError::render`], as `kiln check` prints them).
    Compile(CompileError),
    /// The program compiled but is no function of columns: it has no result, or a
    /// param or result type Arrow has no type for.
    Unsupported {
        /// The UDF's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for UdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UdfError::Compile(e) => f.write_str(&e.render()),
            UdfError::Unsupported { name, reason } => {
                write!(
                    f,
                    "Kiln program `{name}` cannot be a SQL function: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for UdfError {}

impl From<UdfError> for DataFusionError {
    fn from(e: UdfError) -> DataFusionError {
        DataFusionError::Plan(e.to_string())
    }
}

/// A Kiln program as a DataFusion scalar function: one argument per `param`, in order;
/// its result the program's.
///
/// **Signature.** The signature is user-defined: `coerce_types` accepts, for each
/// param, exactly what the Kiln Arrow entry binds without a cast (the param's own Arrow
/// type; every string layout for `string`; any timestamp or duration unit; a dictionary
/// of those), and asks DataFusion to cast where Kiln itself would widen losslessly (an
/// `Int32` argument to an `i64` param, `Float32` or `Int32` to `f64`...), plus any
/// integer to an `f64` param (DataFusion's own numeric coercion, which SQL's `Int64`
/// literals need). A NULL literal takes the param's type. Anything else (a `Float64`
/// for an `i64` param, a `Utf8` for a number) is a planning error naming the param.
/// An exact signature would make DataFusion cast `LargeUtf8` and `Utf8View` to `Utf8`
/// (a copy) and cast lossily.
///
/// Compiled once: the UDF holds the [`Program`] (an `Arc` inside) that every
/// partition's thread runs.
#[derive(Clone)]
pub struct KilnUdf {
    name: String,
    /// The file name diagnostics show (and the codec carries).
    file: String,
    program: Program,
    options: EngineOptions,
    signature: Signature,
    return_type: DataType,
}

impl KilnUdf {
    /// Compile `source` with a default [`Engine`] into a UDF named `name`.
    ///
    /// ```
    /// use kiln_datafusion::KilnUdf;
    ///
    /// let udf = KilnUdf::compile("half", "param x: f64; x / 2.0").unwrap();
    /// assert_eq!(udf.name(), "half");
    /// let error = KilnUdf::compile("bad", "param x: u8; x + 300").unwrap_err();
    /// assert!(error.to_string().contains("E0203"));
    /// ```
    pub fn compile(name: &str, source: &str) -> Result<ScalarUDF, UdfError> {
        KilnUdf::compile_with(&Engine::new(), name, source)
    }

    /// Compile `source` with `engine` (its options, and the host functions registered
    /// on it) into a UDF named `name`; diagnostics name the file `<name>`.
    pub fn compile_with(engine: &Engine, name: &str, source: &str) -> Result<ScalarUDF, UdfError> {
        let udf = KilnUdf::new(engine, name, &format!("<{name}>"), source)?;
        Ok(ScalarUDF::new_from_impl(udf))
    }

    /// The UDF itself (not yet wrapped in a [`ScalarUDF`]), its diagnostics naming the
    /// file `file` (as `kiln-sql` does with the `.expr` file a UDF came from).
    pub fn new(engine: &Engine, name: &str, file: &str, source: &str) -> Result<KilnUdf, UdfError> {
        let program = engine
            .compile_named(file, source)
            .map_err(UdfError::Compile)?;
        KilnUdf::from_program(name, file, program, *engine.options())
    }

    /// A UDF running `program`, compiled with `options` (what the Ballista codec sends
    /// along so executors compile it the same way).
    pub fn from_program(
        name: &str,
        file: &str,
        program: Program,
        options: EngineOptions,
    ) -> Result<KilnUdf, UdfError> {
        let unsupported = |reason: String| UdfError::Unsupported {
            name: name.to_owned(),
            reason,
        };
        let Some(out) = program.output_type() else {
            return Err(unsupported("the program has no result".into()));
        };
        let return_type = arrow_type(out)
            .ok_or_else(|| unsupported(format!("its result type {out} has no Arrow type")))?;
        for p in program.params() {
            if arrow_type(&p.ty).is_none() {
                return Err(unsupported(format!(
                    "param `{}` has type {}, which has no Arrow type",
                    p.name, p.ty
                )));
            }
        }
        let volatility = if program.is_pure() {
            Volatility::Immutable
        } else {
            Volatility::Volatile
        };
        Ok(KilnUdf {
            name: name.to_owned(),
            file: file.to_owned(),
            signature: Signature::user_defined(volatility),
            return_type,
            program,
            options,
        })
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The Kiln source the UDF was compiled from.
    pub fn source(&self) -> &str {
        self.program.source()
    }

    /// The file name its diagnostics show.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The engine options it was compiled with.
    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// Run over one array per param (`rows` rows; zero arrays for a program without
    /// params).
    fn run(&self, arrays: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
        let result = if arrays.is_empty() {
            let schema = Arc::new(Schema::empty());
            let options = RecordBatchOptions::new().with_row_count(Some(rows));
            let batch = RecordBatch::try_new_with_options(schema, vec![], &options)?;
            self.program.run_arrow(&batch)
        } else {
            self.program.run_arrow_columns(arrays)
        };
        result.map_err(|e| self.error(e))
    }

    /// A Kiln error as DataFusion's: a fault carries the rendered diagnostic.
    fn error(&self, error: ArrowError) -> DataFusionError {
        match error {
            ArrowError::Fault { row, error } => {
                let report = self.program.render(&error.to_diagnostic());
                DataFusionError::Execution(format!(
                    "{FAULT_PREFIX} `{}` (row {row} of a batch): {}",
                    self.name,
                    report.trim_end()
                ))
            }
            other => DataFusionError::Execution(format!("Kiln UDF `{}`: {other}", self.name)),
        }
    }
}

/// The Arrow type an argument of type `dt` is passed to a param of Kiln type `ty` as
/// (`dt` itself when it binds as it is), or `None` when it is refused. See [`KilnUdf`].
fn coerce_arg(dt: &DataType, ty: &Ty) -> Option<DataType> {
    if binds(dt, ty) {
        return Some(dt.clone());
    }
    let target = arrow_type(ty)?;
    if *dt == DataType::Null {
        return Some(target);
    }
    let from = kiln_type(dt)?;
    let to = ty.strip_opt();
    let widens = from.widens_to(to);
    let int_to_f64 = matches!(from, Ty::Int(_)) && *to == Ty::Float(FloatTy::F64);
    (widens || int_to_f64).then_some(target)
}

impl ScalarUDFImpl for KilnUdf {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let params = self.program.params();
        if arg_types.len() != params.len() {
            let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            return plan_err!(
                "Kiln UDF `{}` takes {} argument(s) ({}), {} given",
                self.name,
                params.len(),
                names.join(", "),
                arg_types.len()
            );
        }
        let mut out = Vec::with_capacity(params.len());
        for (i, (p, dt)) in params.iter().zip(arg_types).enumerate() {
            match coerce_arg(dt, &p.ty) {
                Some(t) => out.push(t),
                None => {
                    return plan_err!(
                        "Kiln UDF `{}`: argument {} is {dt}, but param `{}` has type {} \
                         (CAST it, or change the param's type)",
                        self.name,
                        i + 1,
                        p.name,
                        p.ty
                    )
                }
            }
        }
        Ok(out)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.return_type.clone())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        // Null when the result is optional, or when a non-optional param's argument may
        // be null (the row does not run).
        let optional_result = self.program.output_type().is_some_and(Ty::is_opt);
        let null_in = args
            .arg_fields
            .iter()
            .zip(self.program.params())
            .any(|(f, p)| f.is_nullable() && !p.ty.is_opt());
        Ok(Arc::new(Field::new(
            &self.name,
            self.return_type.clone(),
            optional_result || null_in,
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let constant = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        if constant && self.program.is_pure() {
            // Every row would compute the same value: compute it once (but not for an
            // empty batch, where no row runs and nothing may fault).
            if rows == 0 {
                return Ok(ColumnarValue::Array(new_empty_array(&self.return_type)));
            }
            let arrays = args
                .args
                .iter()
                .map(|a| a.to_array(1))
                .collect::<Result<Vec<_>>>()?;
            let out = self.run(&arrays, 1)?;
            return Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?));
        }
        let arrays = args
            .args
            .iter()
            .map(|a| a.to_array(rows))
            .collect::<Result<Vec<_>>>()?;
        Ok(ColumnarValue::Array(self.run(&arrays, rows)?))
    }
}

impl fmt::Debug for KilnUdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KilnUdf")
            .field("name", &self.name)
            .field("params", &self.program.params())
            .field("return_type", &self.return_type)
            .field("volatility", &self.signature.volatility)
            .finish_non_exhaustive()
    }
}

/// Two Kiln UDFs are equal when they would compile to the same function: same name,
/// source and options (DataFusion compares functions when it deduplicates expressions).
impl PartialEq for KilnUdf {
    fn eq(&self, other: &KilnUdf) -> bool {
        self.name == other.name
            && self.file == other.file
            && self.options == other.options
            && self.source() == other.source()
    }
}

impl Eq for KilnUdf {}

impl Hash for KilnUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.file.hash(state);
        self.source().hash(state);
        self.options.opt_level.hash(state);
        self.options.max_memory.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::TimeUnit;

    #[test]
    fn arguments_bind_widen_or_are_refused() {
        let f64_ = Ty::Float(FloatTy::F64);
        let i64_ = Ty::I64;
        // As they are: no cast.
        for dt in [DataType::Utf8, DataType::LargeUtf8, DataType::Utf8View] {
            assert_eq!(coerce_arg(&dt, &Ty::Str), Some(dt.clone()));
        }
        let ts = DataType::Timestamp(TimeUnit::Millisecond, None);
        assert_eq!(coerce_arg(&ts, &Ty::Timestamp), Some(ts.clone()));
        // Kiln's widenings, and integers to f64.
        for dt in [
            DataType::Float32,
            DataType::Int32,
            DataType::UInt8,
            DataType::Int64,
        ] {
            assert_eq!(coerce_arg(&dt, &f64_), Some(DataType::Float64), "{dt}");
        }
        assert_eq!(coerce_arg(&DataType::Int32, &i64_), Some(DataType::Int64));
        assert_eq!(coerce_arg(&DataType::UInt32, &i64_), Some(DataType::Int64));
        assert_eq!(coerce_arg(&DataType::Null, &i64_), Some(DataType::Int64));
        let opt = Ty::Opt(Box::new(f64_.clone()));
        assert_eq!(coerce_arg(&DataType::Int16, &opt), Some(DataType::Float64));
        // Lossy or meaningless: refused.
        assert_eq!(coerce_arg(&DataType::Float64, &i64_), None);
        assert_eq!(coerce_arg(&DataType::UInt64, &i64_), None);
        assert_eq!(
            coerce_arg(&DataType::Int64, &Ty::Int(kiln::types::ty::IntTy::I32)),
            None
        );
        assert_eq!(coerce_arg(&DataType::Utf8, &f64_), None);
        assert_eq!(coerce_arg(&DataType::Float64, &Ty::Str), None);
        assert_eq!(coerce_arg(&DataType::Date32, &f64_), None);
    }
}
