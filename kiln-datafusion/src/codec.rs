//! Ballista: Kiln UDFs travel to the scheduler and the executors as their source text,
//! through DataFusion's extension codecs, and are compiled there once per process.
//!
//! [`KilnCodec`] makes a [`LogicalExtensionCodec`] and a [`PhysicalExtensionCodec`]
//! that wrap Ballista's default codecs (or any others): a [`KilnUdf`] is encoded as its
//! name, file name, engine options and source; every other function and plan node is
//! left to the wrapped codec. Decoding compiles the source with the codec's engine, once
//! per distinct UDF: the compiled UDF is kept in the codec's cache, which the logical
//! and physical codecs of one [`KilnCodec`] share.
//!
//! The client, the scheduler and every executor must use the Kiln codecs (see
//! `docs/distributed.md`): [`KilnCodec::configure`] sets them on a client's
//! `SessionConfig`; the `kiln-ballista` binary starts a scheduler or an executor with
//! them.

use crate::KilnUdf;
use ballista_core::extension::SessionConfigExt;
use ballista_core::serde::{BallistaLogicalExtensionCodec, BallistaPhysicalExtensionCodec};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::common::{plan_datafusion_err, Result, TableReference};
use datafusion::datasource::file_format::FileFormatFactory;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{
    AggregateUDF, Extension, HigherOrderUDF, LogicalPlan, ScalarUDF, WindowUDF,
};
use datafusion::physical_expr_common::physical_expr::proto_decode::PhysicalExprDecodeCtx;
use datafusion::physical_expr_common::physical_expr::proto_encode::PhysicalExprEncodeCtx;
use datafusion::physical_plan::{ExecutionPlan, PhysicalExpr};
use datafusion::prelude::SessionConfig;
use datafusion_proto::logical_plan::LogicalExtensionCodec;
use datafusion_proto::physical_plan::{PhysicalExtensionCodec, PhysicalProtoConverterExtension};
use kiln::{Backend, Engine, EngineOptions, FpMath, Overflow};
use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The first bytes of an encoded Kiln UDF (version 1 of the layout).
const MAGIC: &[u8] = b"KILNUDF\x01";

/// Makes the engine a decoded UDF is compiled with, from the options it was compiled
/// with on the client (a host registers its host functions here).
pub type EngineFactory = dyn Fn(EngineOptions) -> Engine + Send + Sync;

/// How many UDFs a [`KilnCodec`] decoded and compiled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodecStats {
    /// Kiln UDFs encoded (on a client or a scheduler).
    pub encoded: usize,
    /// Kiln UDFs decoded (each plan or task that carries one).
    pub decoded: usize,
    /// Kiln programs compiled while decoding: one per distinct UDF, the rest come from
    /// the cache.
    pub compiled: usize,
}

/// What the logical and physical codecs of one [`KilnCodec`] share.
struct Shared {
    engine: Box<EngineFactory>,
    /// Compiled UDFs by their encoded bytes (name, file, options and source).
    cache: Mutex<HashMap<Vec<u8>, Arc<ScalarUDF>>>,
    encoded: AtomicUsize,
    decoded: AtomicUsize,
    compiled: AtomicUsize,
}

/// The Kiln extension codecs of one process: see the [module](self).
#[derive(Clone)]
pub struct KilnCodec {
    shared: Arc<Shared>,
}

impl Default for KilnCodec {
    fn default() -> Self {
        KilnCodec::new()
    }
}

impl fmt::Debug for KilnCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KilnCodec")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl KilnCodec {
    /// Codecs that compile decoded UDFs with `Engine::with_options` (no host functions).
    pub fn new() -> KilnCodec {
        KilnCodec::with_engine(Engine::with_options)
    }

    /// Codecs that compile decoded UDFs with the engine `engine` makes: a host whose
    /// UDFs call host functions registers the same functions here, on every process.
    pub fn with_engine(
        engine: impl Fn(EngineOptions) -> Engine + Send + Sync + 'static,
    ) -> KilnCodec {
        KilnCodec {
            shared: Arc::new(Shared {
                engine: Box::new(engine),
                cache: Mutex::new(HashMap::new()),
                encoded: AtomicUsize::new(0),
                decoded: AtomicUsize::new(0),
                compiled: AtomicUsize::new(0),
            }),
        }
    }

    /// The logical codec, wrapping Ballista's.
    pub fn logical(&self) -> Arc<dyn LogicalExtensionCodec> {
        self.logical_wrapping(Arc::new(BallistaLogicalExtensionCodec::default()))
    }

    /// The physical codec, wrapping Ballista's.
    pub fn physical(&self) -> Arc<dyn PhysicalExtensionCodec> {
        self.physical_wrapping(Arc::new(BallistaPhysicalExtensionCodec::default()))
    }

    /// A logical codec that handles Kiln UDFs and leaves everything else to `inner`.
    pub fn logical_wrapping(
        &self,
        inner: Arc<dyn LogicalExtensionCodec>,
    ) -> Arc<dyn LogicalExtensionCodec> {
        Arc::new(KilnLogicalCodec {
            kiln: self.clone(),
            inner,
        })
    }

    /// A physical codec that handles Kiln UDFs and leaves everything else to `inner`.
    pub fn physical_wrapping(
        &self,
        inner: Arc<dyn PhysicalExtensionCodec>,
    ) -> Arc<dyn PhysicalExtensionCodec> {
        Arc::new(KilnPhysicalCodec {
            kiln: self.clone(),
            inner,
        })
    }

    /// `config` with this codec's logical and physical codecs as Ballista's.
    pub fn configure(&self, config: SessionConfig) -> SessionConfig {
        config
            .with_ballista_logical_extension_codec(self.logical())
            .with_ballista_physical_extension_codec(self.physical())
    }

    /// How many UDFs were encoded, decoded and compiled so far.
    pub fn stats(&self) -> CodecStats {
        CodecStats {
            encoded: self.shared.encoded.load(Ordering::Relaxed),
            decoded: self.shared.decoded.load(Ordering::Relaxed),
            compiled: self.shared.compiled.load(Ordering::Relaxed),
        }
    }

    /// Encode `udf` if it is a Kiln UDF (`true`); leave `buf` alone otherwise.
    fn encode(&self, udf: &ScalarUDF, buf: &mut Vec<u8>) -> bool {
        let any: &dyn Any = udf.inner().as_ref();
        let Some(kiln) = any.downcast_ref::<KilnUdf>() else {
            return false;
        };
        buf.extend_from_slice(&encode(kiln));
        self.shared.encoded.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Decode a Kiln UDF, compiling it unless this codec already has; `None` when `buf`
    /// is not one.
    fn decode(&self, name: &str, buf: &[u8]) -> Option<Result<Arc<ScalarUDF>>> {
        if !buf.starts_with(MAGIC) {
            return None;
        }
        self.shared.decoded.fetch_add(1, Ordering::Relaxed);
        let mut cache = match self.shared.cache.lock() {
            Ok(cache) => cache,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(udf) = cache.get(buf) {
            return Some(Ok(Arc::clone(udf)));
        }
        let udf = decode(name, buf, &*self.shared.engine).map(Arc::new);
        if let Ok(udf) = &udf {
            self.shared.compiled.fetch_add(1, Ordering::Relaxed);
            cache.insert(buf.to_vec(), Arc::clone(udf));
        }
        Some(udf)
    }
}

/// A Kiln UDF's bytes: [`MAGIC`], then the name, the file name and the source (each a
/// little-endian u32 length and UTF-8 bytes), then the engine options.
fn encode(udf: &KilnUdf) -> Vec<u8> {
    use datafusion::logical_expr::ScalarUDFImpl as _;
    let mut out = MAGIC.to_vec();
    for text in [udf.name(), udf.file(), udf.source()] {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    let o = udf.options();
    out.push(o.opt_level);
    out.push(matches!(o.fp_math, FpMath::Fast) as u8);
    out.push(matches!(o.overflow, Overflow::Trap) as u8);
    // Bit 0: the interpreter; bit 1: quick machine code.
    out.push(matches!(o.backend, Backend::Interp) as u8 | (o.quick_machine_code as u8) << 1);
    out.extend_from_slice(&o.max_memory.to_le_bytes());
    out
}

/// The inverse of [`encode`], compiled with the engine `engine` makes.
fn decode(name: &str, buf: &[u8], engine: &EngineFactory) -> Result<ScalarUDF> {
    let bad = || plan_datafusion_err!("Kiln UDF `{name}`: its encoded form is damaged");
    let mut rest = &buf[MAGIC.len()..];
    let mut texts = Vec::with_capacity(3);
    for _ in 0..3 {
        let (len, tail) = rest.split_first_chunk::<4>().ok_or_else(bad)?;
        let len = u32::from_le_bytes(*len) as usize;
        let text = tail.get(..len).ok_or_else(bad)?;
        texts.push(std::str::from_utf8(text).map_err(|_| bad())?);
        rest = &tail[len..];
    }
    let (flags, memory) = rest.split_first_chunk::<4>().ok_or_else(bad)?;
    let memory: [u8; 8] = memory.try_into().map_err(|_| bad())?;
    let options = EngineOptions {
        opt_level: flags[0],
        fp_math: if flags[1] == 1 {
            FpMath::Fast
        } else {
            FpMath::Strict
        },
        overflow: if flags[2] == 1 {
            Overflow::Trap
        } else {
            Overflow::Wrap
        },
        quick_machine_code: flags[3] & 2 != 0,
        backend: if flags[3] & 1 == 1 {
            Backend::Interp
        } else {
            Backend::Jit
        },
        max_memory: u64::from_le_bytes(memory),
    };
    let (udf_name, file, source) = (texts[0], texts[1], texts[2]);
    let udf = KilnUdf::new(&engine(options), udf_name, file, source)?;
    Ok(ScalarUDF::new_from_impl(udf))
}

/// The function methods both codecs share, word for word: a Kiln UDF is encoded and
/// decoded by `self.kiln`, every other function by the wrapped codec `self.inner`.
macro_rules! function_methods {
    () => {
        fn try_decode_udf(&self, name: &str, buf: &[u8]) -> Result<Arc<ScalarUDF>> {
            match self.kiln.decode(name, buf) {
                Some(udf) => udf,
                None => self.inner.try_decode_udf(name, buf),
            }
        }

        fn try_encode_udf(&self, node: &ScalarUDF, buf: &mut Vec<u8>) -> Result<()> {
            if self.kiln.encode(node, buf) {
                return Ok(());
            }
            self.inner.try_encode_udf(node, buf)
        }

        fn try_decode_higher_order_function(
            &self,
            name: &str,
            buf: &[u8],
        ) -> Result<Arc<HigherOrderUDF>> {
            self.inner.try_decode_higher_order_function(name, buf)
        }

        fn try_encode_higher_order_function(
            &self,
            node: &HigherOrderUDF,
            buf: &mut Vec<u8>,
        ) -> Result<()> {
            self.inner.try_encode_higher_order_function(node, buf)
        }

        fn try_decode_udaf(&self, name: &str, buf: &[u8]) -> Result<Arc<AggregateUDF>> {
            self.inner.try_decode_udaf(name, buf)
        }

        fn try_encode_udaf(&self, node: &AggregateUDF, buf: &mut Vec<u8>) -> Result<()> {
            self.inner.try_encode_udaf(node, buf)
        }

        fn try_decode_udwf(&self, name: &str, buf: &[u8]) -> Result<Arc<WindowUDF>> {
            self.inner.try_decode_udwf(name, buf)
        }

        fn try_encode_udwf(&self, node: &WindowUDF, buf: &mut Vec<u8>) -> Result<()> {
            self.inner.try_encode_udwf(node, buf)
        }
    };
}

/// [`KilnCodec::logical`].
#[derive(Debug)]
struct KilnLogicalCodec {
    kiln: KilnCodec,
    inner: Arc<dyn LogicalExtensionCodec>,
}

impl LogicalExtensionCodec for KilnLogicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[LogicalPlan],
        ctx: &TaskContext,
    ) -> Result<Extension> {
        self.inner.try_decode(buf, inputs, ctx)
    }

    fn try_encode(&self, node: &Extension, buf: &mut Vec<u8>) -> Result<()> {
        self.inner.try_encode(node, buf)
    }

    fn try_decode_table_provider(
        &self,
        buf: &[u8],
        table_ref: &TableReference,
        schema: SchemaRef,
        ctx: &TaskContext,
    ) -> Result<Arc<dyn TableProvider>> {
        self.inner
            .try_decode_table_provider(buf, table_ref, schema, ctx)
    }

    fn try_encode_table_provider(
        &self,
        table_ref: &TableReference,
        node: Arc<dyn TableProvider>,
        buf: &mut Vec<u8>,
    ) -> Result<()> {
        self.inner.try_encode_table_provider(table_ref, node, buf)
    }

    fn try_decode_file_format(
        &self,
        buf: &[u8],
        ctx: &TaskContext,
    ) -> Result<Arc<dyn FileFormatFactory>> {
        self.inner.try_decode_file_format(buf, ctx)
    }

    fn try_encode_file_format(
        &self,
        buf: &mut Vec<u8>,
        node: Arc<dyn FileFormatFactory>,
    ) -> Result<()> {
        self.inner.try_encode_file_format(buf, node)
    }

    function_methods!();
}

/// [`KilnCodec::physical`].
#[derive(Debug)]
struct KilnPhysicalCodec {
    kiln: KilnCodec,
    inner: Arc<dyn PhysicalExtensionCodec>,
}

impl PhysicalExtensionCodec for KilnPhysicalCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.inner.try_decode(buf, inputs, ctx, proto_converter)
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        self.inner.try_encode(node, buf, proto_converter)
    }

    function_methods!();
    fn try_decode_expr(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn PhysicalExpr>],
        ctx: &PhysicalExprDecodeCtx<'_>,
    ) -> Result<Arc<dyn PhysicalExpr>> {
        self.inner.try_decode_expr(buf, inputs, ctx)
    }

    fn try_encode_expr(
        &self,
        node: &Arc<dyn PhysicalExpr>,
        buf: &mut Vec<u8>,
        ctx: &PhysicalExprEncodeCtx<'_>,
    ) -> Result<()> {
        self.inner.try_encode_expr(node, buf, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_udf_round_trips_with_its_options_and_is_compiled_once() {
        let engine = Engine::with_options(EngineOptions {
            opt_level: 1,
            overflow: Overflow::Trap,
            quick_machine_code: true,
            ..EngineOptions::default()
        });
        let udf =
            KilnUdf::compile_with(&engine, "add", "param a: i64; param b: i64; a + b").unwrap();
        let codec = KilnCodec::new();
        let logical = codec.logical();
        let physical = codec.physical();
        let mut buf = Vec::new();
        logical.try_encode_udf(&udf, &mut buf).unwrap();
        assert!(buf.starts_with(MAGIC));
        let a = logical.try_decode_udf("add", &buf).unwrap();
        let b = physical.try_decode_udf("add", &buf).unwrap();
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second decode comes from the cache"
        );
        assert_eq!(a.as_ref(), &udf);
        let any: &dyn Any = a.inner().as_ref();
        let kiln = any.downcast_ref::<KilnUdf>().unwrap();
        assert_eq!(kiln.options().overflow, Overflow::Trap);
        assert_eq!(kiln.options().opt_level, 1);
        assert!(kiln.options().quick_machine_code);
        assert_eq!(
            codec.stats(),
            CodecStats {
                encoded: 1,
                decoded: 2,
                compiled: 1
            }
        );
        // Damaged bytes are an error, not a panic; other functions go to Ballista's codec.
        assert!(logical
            .try_decode_udf("add", &buf[..buf.len() - 3])
            .is_err());
        let abs = datafusion::functions::math::abs();
        let mut other = Vec::new();
        logical.try_encode_udf(&abs, &mut other).unwrap();
        assert!(other.is_empty());
        assert_eq!(codec.stats().encoded, 1);
    }
}
