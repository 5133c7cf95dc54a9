//! Floating-point math generated code calls.
//!
//! Two kinds, one table (`abi::C_MATH_FUNCTIONS`):
//! - **Kiln's math** (`kiln_math_sin`, `kiln_math_cbrtf`, …): every function whose result
//!   a C library may round differently (trigonometry, exponentials, logarithms, `pow`,
//!   `cbrt`, `hypot`, …). Each is the `libm` crate's portable implementation behind a
//!   symbol of our own, so the JIT, `lli -load libkiln_runtime.so` and linked executables
//!   all run the same code and print bit-identical results on every host, and LLVM never
//!   constant-folds them with the compiling machine's libm.
//! - **C functions LLVM itself may call** when it lowers `frem` and rounding intrinsics
//!   (`fmod`, `floor`, …). IEEE fixes their results exactly, so whichever C library
//!   provides them gives the same bits.

#[link(name = "m")]
extern "C" {
    pub fn fmod(a: f64, b: f64) -> f64;
    pub fn fmodf(a: f32, b: f32) -> f32;
    pub fn fmin(a: f64, b: f64) -> f64;
    pub fn fminf(a: f32, b: f32) -> f32;
    pub fn fmax(a: f64, b: f64) -> f64;
    pub fn fmaxf(a: f32, b: f32) -> f32;
    pub fn sqrt(a: f64) -> f64;
    pub fn sqrtf(a: f32) -> f32;
    pub fn floor(a: f64) -> f64;
    pub fn floorf(a: f32) -> f32;
    pub fn ceil(a: f64) -> f64;
    pub fn ceilf(a: f32) -> f32;
    pub fn round(a: f64) -> f64;
    pub fn roundf(a: f32) -> f32;
    pub fn trunc(a: f64) -> f64;
    pub fn truncf(a: f32) -> f32;
}

/// For each `SYMBOL = libm::F (args)`: `#[no_mangle] extern "C" fn SYMBOL` calling the
/// `libm` crate's `F` (`f64` for names without a trailing `f`, `f32` for the others).
macro_rules! kiln_math {
    ($($symbol:ident = $f:ident ($($a:ident),+) : $t:ty;)*) => {
        $(
            #[no_mangle]
            pub extern "C" fn $symbol($($a: $t),+) -> $t {
                ::libm::$f($($a),+)
            }
        )*
    };
}

kiln_math! {
    kiln_math_sin = sin(x): f64;
    kiln_math_sinf = sinf(x): f32;
    kiln_math_cos = cos(x): f64;
    kiln_math_cosf = cosf(x): f32;
    kiln_math_tan = tan(x): f64;
    kiln_math_tanf = tanf(x): f32;
    kiln_math_exp = exp(x): f64;
    kiln_math_expf = expf(x): f32;
    kiln_math_exp2 = exp2(x): f64;
    kiln_math_exp2f = exp2f(x): f32;
    kiln_math_log = log(x): f64;
    kiln_math_logf = logf(x): f32;
    kiln_math_log2 = log2(x): f64;
    kiln_math_log2f = log2f(x): f32;
    kiln_math_log10 = log10(x): f64;
    kiln_math_log10f = log10f(x): f32;
    kiln_math_asin = asin(x): f64;
    kiln_math_asinf = asinf(x): f32;
    kiln_math_acos = acos(x): f64;
    kiln_math_acosf = acosf(x): f32;
    kiln_math_atan = atan(x): f64;
    kiln_math_atanf = atanf(x): f32;
    kiln_math_sinh = sinh(x): f64;
    kiln_math_sinhf = sinhf(x): f32;
    kiln_math_cosh = cosh(x): f64;
    kiln_math_coshf = coshf(x): f32;
    kiln_math_tanh = tanh(x): f64;
    kiln_math_tanhf = tanhf(x): f32;
    kiln_math_cbrt = cbrt(x): f64;
    kiln_math_cbrtf = cbrtf(x): f32;
    kiln_math_pow = pow(x, y): f64;
    kiln_math_powf = powf(x, y): f32;
    kiln_math_hypot = hypot(x, y): f64;
    kiln_math_hypotf = hypotf(x, y): f32;
    kiln_math_atan2 = atan2(x, y): f64;
    kiln_math_atan2f = atan2f(x, y): f32;
}
