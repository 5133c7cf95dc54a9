//! The C math library functions generated code may call (`abi::C_MATH_FUNCTIONS`), linked
//! by Rust's std on every supported host.

#[link(name = "m")]
extern "C" {
    pub fn fmod(a: f64, b: f64) -> f64;
    pub fn fmodf(a: f32, b: f32) -> f32;
    pub fn pow(a: f64, b: f64) -> f64;
    pub fn powf(a: f32, b: f32) -> f32;
    pub fn fmin(a: f64, b: f64) -> f64;
    pub fn fminf(a: f32, b: f32) -> f32;
    pub fn fmax(a: f64, b: f64) -> f64;
    pub fn fmaxf(a: f32, b: f32) -> f32;
    pub fn sin(a: f64) -> f64;
    pub fn sinf(a: f32) -> f32;
    pub fn cos(a: f64) -> f64;
    pub fn cosf(a: f32) -> f32;
    pub fn tan(a: f64) -> f64;
    pub fn tanf(a: f32) -> f32;
    pub fn exp(a: f64) -> f64;
    pub fn expf(a: f32) -> f32;
    pub fn exp2(a: f64) -> f64;
    pub fn exp2f(a: f32) -> f32;
    pub fn exp10(a: f64) -> f64;
    pub fn exp10f(a: f32) -> f32;
    pub fn log(a: f64) -> f64;
    pub fn logf(a: f32) -> f32;
    pub fn log2(a: f64) -> f64;
    pub fn log2f(a: f32) -> f32;
    pub fn log10(a: f64) -> f64;
    pub fn log10f(a: f32) -> f32;
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
    pub fn asin(a: f64) -> f64;
    pub fn asinf(a: f32) -> f32;
    pub fn acos(a: f64) -> f64;
    pub fn acosf(a: f32) -> f32;
    pub fn atan(a: f64) -> f64;
    pub fn atanf(a: f32) -> f32;
    pub fn sinh(a: f64) -> f64;
    pub fn sinhf(a: f32) -> f32;
    pub fn cosh(a: f64) -> f64;
    pub fn coshf(a: f32) -> f32;
    pub fn tanh(a: f64) -> f64;
    pub fn tanhf(a: f32) -> f32;
    pub fn cbrt(a: f64) -> f64;
    pub fn cbrtf(a: f32) -> f32;
    pub fn hypot(a: f64, b: f64) -> f64;
    pub fn hypotf(a: f32, b: f32) -> f32;
    pub fn atan2(a: f64, b: f64) -> f64;
    pub fn atan2f(a: f32, b: f32) -> f32;
}
