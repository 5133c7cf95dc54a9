//! Every diagnostic code Kiln reports, once: its title, its explanation and an example.
//! `kiln explain CODE` prints an entry; `docs/errors.md` is generated from this table
//! (a test keeps it current); the snapshot suite must cover every code.
//!
//! Ranges: E00xx syntax, E01xx names and scopes, E02xx types, E03xx calls and overloads,
//! E04xx functions and bindings, E05xx constant evaluation, E06xx runtime, E07xx input
//! data (CSV for `kiln map`, params, command-line input), E0999 internal; W00xx
//! warnings.
//!
//! An entry is `"CODE": "title" { explanation: "...", example: "..." }`: the explanation
//! says what the rule is and what to do; the example is a small program that reports
//! the code (a test runs every example and checks). An E07xx code is about input data,
//! not program text: its example is the program and data that report it (each is
//! tested through `kiln map` in `tests/map.rs`). After changing an entry, regenerate
//! the docs with [`REGENERATE`]: `cargo run --quiet -- explain --markdown > docs/errors.md`.

/// One code.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    /// One line: what went wrong.
    pub title: &'static str,
    /// A longer explanation: why it is an error and what to do.
    pub explanation: &'static str,
    /// A small program that triggers it (empty for codes no program text can trigger,
    /// like E0605 and E0999).
    pub example: &'static str,
}

macro_rules! codes {
    ($( $code:literal : $title:literal {
        explanation: $explanation:expr,
        example: $example:expr $(,)?
    } ),* $(,)?) => {
        /// Every code, in order.
        pub const ALL: &[CodeInfo] = &[
            $( CodeInfo {
                code: $code,
                title: $title,
                explanation: $explanation,
                example: $example,
            }, )*
        ];
    };
}

codes! {
    "E0001": "unexpected token" {
        explanation: "The parser found a token that cannot stand where it is: an operator \
            with no operand after it, an `else` with no `when` before it, `=` where a \
            statement needs `;`, a call of something that is not a function name. The \
            message says what was expected instead; write that, or remove the stray token.",
        example: "let total = 1 + ;",
    },
    "E0002": "missing `;` between statements" {
        explanation: "Statements are separated by `;`; only the last statement of a \
            program or block may go without one. A new statement started right after \
            one that was not ended; the error points where the `;` belongs. Add it.",
        example: "let a = 1\nlet b = 2;\na + b",
    },
    "E0003": "unclosed or mismatched delimiter" {
        explanation: "An opening `(`, `[` or `{` is never closed, or is closed by the \
            wrong kind of bracket. The secondary label shows where it was opened. Close \
            it with the matching bracket at the point the error shows.",
        example: "print((1 + 2)",
    },
    "E0004": "invalid escape in a string" {
        explanation: "Inside a string literal a backslash starts an escape, and only \
            these exist: `\\\\` `\\\"` `\\'` `\\n` `\\t` `\\r` `\\0` and `\\u{...}` with \
            1 to 6 hex digits naming a Unicode scalar value. Write one of them, or double \
            the backslash to get a backslash.",
        example: "print(\"C:\\files\")",
    },
    "E0005": "invalid number literal" {
        explanation: "A number literal is malformed: `0x` or `0b` without digits, a digit \
            its base does not have, an unknown suffix, or an integer suffix on a float \
            (`1.5u8`). Valid suffixes are i8 i16 i32 i64 u8 u16 u32 u64 f32 f64; float \
            literals take only f32 or f64. To turn a float into an integer, call a \
            conversion such as `u8(1.5)`.",
        example: "let x = 1.5u8;",
    },
    "E0006": "unterminated string" {
        explanation: "A string literal runs to the end of the input without its closing \
            quote. Close it with the same quote it opened with (`\"` or `'`); a quote \
            inside the string must be escaped (`\\\"`).",
        example: "let greeting = \"hello;",
    },
    "E0007": "unterminated block comment" {
        explanation: "A `/*` comment is never closed with `*/`. Block comments do not \
            nest: the first `*/` closes the comment. Add the `*/`, or use `//` comments, \
            which end at the end of the line.",
        example: "1 + 2 /* the sum",
    },
    "E0008": "keyword used as a name" {
        explanation: "Keywords (`let fn param if switch when elif else in and or not true \
            false none`) cannot name a binding, variable, parameter or function. Choose another \
            name, such as `if_` or `cond`.",
        example: "let if = 1;",
    },
    "E0009": "`fn` or `param` inside a block" {
        explanation: "Functions and `param` inputs belong to the whole program, so they can \
            only be declared at its top level, not inside a `when` branch or a function \
            body. Move the declaration out of the block. In the REPL a typed input \
            cannot declare a `param` either: bind a value with `let`, or load the program \
            from a file with its values, `:load FILE --param NAME=VALUE`.",
        example: "when true {\n    fn twice(x: i64) -> i64 = x * 2;\n}",
    },
    "E0010": "nesting too deep" {
        explanation: "Brackets nested more than 256 deep, or more than 256 prefix \
            operators in a row, are refused so that neither the compiler nor the program \
            can run out of stack. Split the expression with `let` bindings or functions. \
            A flat chain of binary operators (`a + b + c + ...`) is not nesting: it may \
            be any length.",
        example: "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~1",
    },
    "E0011": "invalid character" {
        explanation: "The source holds a character that is not part of Kiln's syntax \
            outside a string or comment: a symbol such as `#` or `$`, a letter outside \
            ASCII in a name, or an invisible character (often pasted). Names use only \
            ASCII letters, digits and `_`; delete or replace the character.",
        example: "let x = 5 # 2;",
    },
    "E0012": "a statement Kiln does not have" {
        explanation: "A statement starts with a word other languages use for a statement \
            Kiln does not have: `for`, `while`, `loop`, `break` or `continue` (Kiln has no \
            loops), `return` (a function's value is its body: the expression after `=`, or \
            the last expression of its `{ ... }` block), `var` or `const` (write `let x = \
            ...;`, or `x = ...;` for a mutable variable), `function` or `def` (write `fn`). \
            Instead of a loop, work on whole lists: element-wise operators (`xs * 2`), \
            `filter`, `sum`, `count`, `any`, `all`; repeat with a recursive function.",
        example: "let xs = [1, 2, 3];\nfor x in xs { x * 2 }",
    },
    "E0013": "parameter without a type" {
        explanation: "Every parameter of a `fn` states its type after a `:`, as in \
            `fn add(a: i64, b: i64) = a + b;`: Kiln picks among overloads by parameter \
            types and compiles each function once, for those types. Add the type.",
        example: "fn add(a, b) = a + b;",
    },
    "E0099": "internal parser error" {
        explanation: "The parser reached a state it should never reach. This is a bug in \
            Kiln, not in your program; please report it with the program that caused it.",
        example: "",
    },
    "E0101": "unknown name" {
        explanation: "A name is read where no binding of that name is visible. Bindings \
            are visible after the statement that makes them and only in their block; a \
            function body sees its parameters, every function, and the program-level \
            `let` bindings written before the function (a mutable variable is E0106). A \
            name made inside a `when` block ends with the block: declare it before the \
            block to use it after. Check the spelling, bind the name before its use, or \
            pass it as a parameter.",
        example: "let width = 3;\nwidth * heigth",
    },
    "E0102": "unknown function" {
        explanation: "A call names a function that is neither built in nor defined with \
            `fn` anywhere in the program. Check the spelling, or define the function \
            (functions may be defined before or after their calls).",
        example: "let r = squareroot(2.0);",
    },
    "E0103": "unknown type" {
        explanation: "A type annotation names a type Kiln does not have. The types are \
            bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, string and lists `[T]` \
            of those.",
        example: "let count: int = 1;",
    },
    "E0104": "assignment to an immutable binding" {
        explanation: "`let` bindings, function parameters and `param` inputs cannot be \
            assigned after they are bound, and a function cannot assign the program's \
            bindings. Bind a new name with `let`, or make a mutable variable by \
            introducing it with `name = value;` instead of `let`.",
        example: "let total = 1;\ntotal = total + 1;",
    },
    "E0105": "binding read by a function before it is bound" {
        explanation: "A function reads a program-level `let` binding, and the function is \
            called (here, through another function) before the statement that binds it has \
            run, so there would be no value to read. Move the binding above the first \
            statement that calls the function.",
        example: "fn g() -> i64 = f();\ng();\nlet k = 1;\nfn f() -> i64 = k;",
    },
    "E0106": "function reads a mutable variable" {
        explanation: "A function body sees its parameters, every function, and the \
            program-level `let` bindings and `param` inputs written before the function; \
            it never sees mutable variables (names made by `x = ...;`), whose value \
            depends on when the function is called. Pass the value to the function as a \
            parameter, or bind it with `let` if it never changes.",
        example: "count = 0;\nfn next() -> i64 = count + 1;\nnext()",
    },
    "E0201": "mismatched types" {
        explanation: "A value of one type is used where another type is required and no \
            implicit conversion exists, such as comparing a string with a number, mixing \
            element types in a list literal, or indexing with a non-integer. Convert \
            explicitly with the type's name as a function (`string(n)`, `i64(s)`), or use \
            a value of the required type.",
        example: "\"10\" < 3",
    },
    "E0202": "lossy numeric conversion" {
        explanation: "Numbers convert implicitly only where no value can be lost: to a \
            wider integer of the same signedness, unsigned to a signed type twice as wide, \
            small integers to floats, f32 to f64. Mixing, say, i64 and u64, i8 and u8, or \
            i64 and f64 is refused because some values of one side do not fit the other. \
            Convert one side explicitly, e.g. `i64(b)` or `f64(n)`, choosing which \
            values you are willing to lose.",
        example: "let a: i64 = 1;\nlet b: u64 = 2;\na + b",
    },
    "E0203": "literal out of range" {
        explanation: "An integer literal takes its type from its context (an annotation, \
            the other operand, the other branch...), and its value must fit that type: \
            u8 holds 0 to 255, i8 -128 to 127, and so on. A float literal must be finite \
            in its type. There is no fallback to a wider type: use a literal that fits, \
            or convert the other operand to a wider type first (`u16(x) + 300`).",
        example: "let x: u8 = 200;\nx + 300",
    },
    "E0204": "operator not defined for a type" {
        explanation: "The operator does not apply to values of this type: arithmetic \
            needs numbers (strings allow only `+`), `<` and friends need numbers or \
            strings, bit operators and `~` need integers, `and`/`or`/`not` need bool. \
            Convert the operand, or use a function that does what you mean.",
        example: "true < false",
    },
    "E0205": "condition is not bool" {
        explanation: "The condition of `if`, `switch`, `when` and `elif`, and the operands \
            of `and`, `or` and `not`, must be bool; numbers are not truth values in Kiln. \
            Write the comparison you mean, such as `n != 0`. A mask (`[bool]`, one bool \
            per element) is not a condition either: combine masks element by element with \
            `&` and `|`, or make one bool of a mask with `any(...)` or `all(...)`.",
        example: "let n = 3;\nif(n, \"some\", \"none\")",
    },
    "E0206": "branches have different types" {
        explanation: "The branches of `if(c, a, b)` and the values of `switch` make one \
            value, so they must have one type: the same type, or types where one widens \
            losslessly to the other. Convert a branch, e.g. with `string(...)`.",
        example: "let n = 3;\nif(n > 2, \"big\", n)",
    },
    "E0207": "a variable's type cannot change" {
        explanation: "A mutable variable gets its type from its first assignment; every \
            later assignment must give a value of that type (or one that widens to it). \
            Use a new variable for the value of the other type, or convert it.",
        example: "x = 1;\nx = \"one\";",
    },
    "E0208": "cannot infer the element type of `[]`" {
        explanation: "An empty list literal has no elements to take a type from, and \
            nothing around it says what the list holds. Annotate the binding, as in \
            `let xs: [i64] = [];`.",
        example: "let xs = [];",
    },
    "E0209": "float literal where an integer is needed" {
        explanation: "A literal with a fractional part or an exponent (`1.5`, `2.`, `1e3`) \
            is a float, and its context needs an integer type. A float never becomes an \
            integer implicitly: write an integer literal, or convert with the integer \
            type's name (`i64(1.5)` truncates toward zero).",
        example: "let a: i64 = 1.5;",
    },
    "E0211": "not supported yet" {
        explanation: "Retired in language v1: this code refused forms of the language that \
            Kiln did not implement yet (lists of lists before v1, then optionals and \
            lambdas while v1 was built). Every form is implemented now, so no program \
            reports it; it stays registered so that old reports can be explained.",
        example: "",
    },
    "E0220": "cannot infer the type of `none`" {
        explanation: "`none` is the empty value of every optional type (`f64?`, `string?`, `[i64]?`), so it takes its type from context: an annotation, a parameter, the other operand or branch, the other elements of a list. With no context its type is unknown. Annotate the binding (`let x: f64? = none;`) or give another operand a type.",
        example: "let x = none;",
    },
    "E0221": "an optional bool where a condition must decide" {
        explanation: "`and`, `or`, `not`, `if`, `switch` and `when`/`elif` take a `bool`. A `bool?` (for instance a comparison of an optional, `x > 1` with `x: f64?`) may be `none`, which is neither true nor false, so it is refused there. Say what `none` means with `??`: `(x > 1) ?? false` treats it as false.",
        example: "param x: f64?;
if(x > 1.0, 1, 0)",
    },
    "E0222": "an optional value is needed, and this one is never none" {
        explanation: "The left operands of `??`, and the argument of `is_none`, `is_some` and `unwrap`, must be optional (`T?`): for a value that is never `none` the right side of `??` would never be used, and the test would always give the same answer. Remove the `??` or the test, or declare the value optional.",
        example: "let x = 1;
x ?? 0",
    },
    "E0223": "a list of optionals where plain strings are needed" {
        explanation: "`join` takes a list of strings, not a `[string?]`: a `none` has no \
            text to put between separators. Remove the nones first with `compact(xs)`, \
            which gives a `[string]`. (Every other list function takes a list of \
            optionals as it is: `sort` puts the nones last, `unique`, `index_of`, \
            `contains` and `in` compare them structurally, `none == none`.)",
        example: "let names = [\"ada\", none];\njoin(names, \", \")",
    },
    "E0230": "lambda outside a higher-order function" {
        explanation: "A lambda (`x -> e`, `(a, b) -> e`) is not a value: it is written only \
            as the last argument of a higher-order built-in (map, filter, reduce, any, all, \
            count, find, find_index, sort_by, zip_with, flat_map, group_by), which runs \
            its body for each element. It cannot be bound with `let`, stored in a list, \
            returned, or passed to a user function. Write the lambda inside the call that \
            uses it, e.g. `map(xs, x -> x * 2)`; to reuse the body, make it a function \
            and call it from the lambda: `map(xs, x -> double(x))`.",
        example: "let double = x -> x * 2;",
    },
    "E0231": "lambda with the wrong number of parameters" {
        explanation: "Each higher-order built-in passes its lambda a fixed number of \
            values: one element for map, filter, any, all, count, find, find_index, \
            sort_by, flat_map and group_by; the accumulator and an element for \
            `reduce(xs, init, (acc, x) -> ...)`; an element of each list for \
            `zip_with(xs, ys, (x, y) -> ...)`. Give the lambda that many parameters.",
        example: "reduce([1, 2, 3], 0, x -> x + 1)",
    },
    "E0232": "higher-order call without its list or lambda" {
        explanation: "A higher-order built-in goes over a list and takes a lambda as its \
            last argument: `map(xs, x -> x * 2)`, `reduce(xs, 0, (acc, x) -> acc + x)`, \
            `zip_with(xs, ys, (x, y) -> x + y)`. The list argument must be a list, and \
            the last argument a lambda (`filter`, `count`, `any` and `all` also take a \
            mask, `[bool]`, instead).",
        example: "map([1, 2, 3], 2)",
    },
    "E0233": "lambda gives the wrong kind of value" {
        explanation: "Some higher-order built-ins need a particular kind of value from \
            their lambda: `sort_by` and `group_by` a key that is a number or a string \
            (`group_by` also takes bool), `flat_map` a list per element. Make the lambda \
            give that, or use `map` for one value of any type per element.",
        example: "flat_map([1, 2, 3], x -> x * 2)",
    },
    "E0240": "list type nested too deeply" {
        explanation: "Lists nest (`[[f64]]`, `[[[i64]]]`), and optionals wrap them, but a \
            type may have at most 12 such levels: the runtime describes every type in \
            one 32-bit code. Restructure the data so it nests less deeply, for example \
            by flattening inner levels with `flatten`.",
        example: "param x: [[[[[[[[[[[[[i64]]]]]]]]]]]]];",
    },
    // ---- format (issue 15) ----
    "E0250": "unbalanced brace in a format string" {
        explanation: "In a format string of `format(fmt, args...)`, `{` starts a \
            placeholder that `}` must close, and a `}` outside a placeholder has no \
            meaning. The error points at the brace inside the string. Close the \
            placeholder, or double the brace (`{{` or `}}`) to write it as text.",
        example: "format(\"total: {\", 3)",
    },
    "E0251": "malformed format spec" {
        explanation: "A placeholder `{:SPEC}` takes Rust's format spec: \
            `[[fill]align][+][#][0][width][.precision][type]`, with align one of `<` `^` \
            `>`, width and precision at most 65535, and type one of `x` `X` `o` `b` \
            (integers) or `e` `E` (floats). Widths or precisions taken from arguments \
            (`N$`, `.*`), the `-` flag and `?` are not supported. The error points at \
            the characters that do not fit the grammar.",
        example: "format(\"{:>8q}\", 3)",
    },
    "E0252": "format placeholders and arguments do not pair up" {
        explanation: "`format(fmt, args...)` replaces each `{}` or `{:SPEC}` of the \
            format string with the next argument, in order, so there must be exactly one \
            argument per placeholder. The error points at the first placeholder without \
            an argument, or at the first argument without a placeholder. Add or remove \
            one; write `{{` and `}}` for literal braces.",
        example: "format(\"{} and {}\", 1)",
    },
    "E0253": "format spec does not fit the argument" {
        explanation: "Part of a placeholder's spec does not apply to the type of its \
            argument: `x` `X` `o` `b` and `#` format integers only, `e` `E` floats only, \
            `+` and `0` numbers only, a precision floats (digits after the point) and \
            strings (characters kept). Lists, bools and other values take only fill, \
            alignment and width; an optional takes its value's specs. Change the spec, or \
            convert the argument (`i64(x)`, `f64(n)`).",
        example: "format(\"{:x}\", 2.5)",
    },
    "E0254": "positional or named format argument" {
        explanation: "Kiln's format strings take their arguments in order: each `{}` or \
            `{:SPEC}` is the next argument. Rust's `{0}` and `{name}` forms are not \
            supported. Write `{}` and pass the value at that position (pass it twice to \
            show it twice).",
        example: "let n = 3;\nformat(\"{n} items\")",
    },
    // ---- issue 15: regular expressions and characters ----
    "E0255": "invalid regular expression" {
        explanation: "A literal pattern given to `matches`, `find_match`, `captures`, \
            `replace_all` or `split_re` is parsed and compiled when the program compiles, \
            with the regex crate's syntax, and this one does not parse: an unclosed group \
            or class, a repetition of nothing, an unknown escape or Unicode class, or a \
            feature the crate leaves out to guarantee linear-time matching (look-around, \
            backreferences). The error points at the characters inside the pattern the \
            parser rejects, with its message. Fix the pattern; a backslash in a Kiln string \
            is written `\\\\`, so the regex `\\d` is `\"\\\\d\"`.",
        example: "matches(\"2024-03-01\", \"(\\\\d+-\")",
    },
    "E0256": "regular expression too big" {
        explanation: "A literal pattern compiles to a program over the regex crate's size \
            limit (10 MiB), which bounds the memory and time of every match. Counted \
            repetitions multiply (`\\w{1000}` is a thousand copies of `\\w`, itself a \
            large class under Unicode), and so do nested ones. Use smaller counts, ASCII \
            classes where Unicode is not needed (`(?-u:\\w)`), or several smaller patterns.",
        example: "matches(\"x\", \"\\\\w{1000}{1000}\")",
    },
    "E0257": "`char_code` of a literal that is not one character" {
        explanation: "`char_code(s)` gives the code point of the one character of `s`. A \
            literal argument is checked when the program compiles, and this one is empty \
            or has several characters (a character is a Unicode scalar value: `é` written \
            as `e` plus a combining accent is two). Give one character, or take them one by \
            one with `map(chars(s), c -> char_code(c))`.",
        example: "char_code(\"ab\")",
    },
    "E0258": "`from_char_code` of a literal that is not a character's code" {
        explanation: "`from_char_code(n)` gives the one-character string with code point \
            `n`, and only Unicode scalar values are characters: 0 to 0x10FFFF (1114111) \
            without the surrogates 0xD800 to 0xDFFF (55296 to 57343). A literal argument is \
            checked when the program compiles, and this one is outside them.",
        example: "from_char_code(1114112)",
    },
    // ---- time core (issue 15, point 4) ----
    "E0260": "time operator on the wrong operand types" {
        explanation: "`timestamp` and `duration` have their own arithmetic: \
            `timestamp - timestamp` is a duration, `timestamp + duration` (or \
            `duration + timestamp`) and `timestamp - duration` are timestamps, \
            `duration + duration`, `duration - duration`, `duration * i64`, `i64 * duration` \
            and `duration / i64` are durations, and two values of one time type compare \
            with `== != < <= > >=`. Anything else (two instants added, a duration scaled by \
            a float, a timestamp compared with a duration or a number) has no meaning. \
            Use a unit constructor to make a duration of a number (`secs(5)`, \
            `millis(1500)`), and `seconds(d)` to make a number of a duration.",
        example: "let t = timestamp(\"2024-03-01T12:00:00Z\");\nt + t",
    },
    "E0261": "malformed timestamp or duration literal" {
        explanation: "The text given to `timestamp(\"...\")` or `duration(\"...\")` is a \
            literal, so it is read when the program compiles, and it does not parse. A \
            timestamp is RFC 3339 with its offset (`2024-03-01T12:00:00Z`, \
            `2024-03-01T14:00:00+02:00`) between the years 1677 and 2262; a duration is \
            `1h30m`, `45s`, `1.5s`, `-2h5m`, `2 days` or ISO 8601 `PT1H30M` (a day is 24 \
            hours; months and years have no fixed length and are refused). Text that is \
            only known at run time is checked then (runtime error E0604; `timestamp?(s)` \
            gives `none` instead).",
        example: "timestamp(\"2024-03-01 noon\")",
    },
    // ---- the time library (issue 15) ----
    "E0265": "unknown time zone" {
        explanation: "A literal zone argument of a time function (`hour(ts, \"Europe/Berlin\")`, \
            `format_time`, `parse_time`, `date_trunc`) must name a zone: \"UTC\" or \"Z\", a \
            fixed offset written `+HH:MM` or `-HH:MM` (hours up to 23), or an IANA name of \
            the system's time zone database (/usr/share/zoneinfo), such as \
            \"America/New_York\". The name is checked when the program compiles; the help \
            suggests close names. Fix the spelling, or use a fixed offset.",
        example: "hour(now(), \"Europe/Berln\")",
    },
    "E0266": "unknown date_trunc unit" {
        explanation: "`date_trunc(ts, unit)` truncates to the start of a \"year\", \
            \"quarter\", \"month\", \"week\" (ISO weeks start on Monday), \"day\", \
            \"hour\", \"minute\" or \"second\", written in the singular and in lower \
            case. A literal unit is checked when the program compiles. Write one of those.",
        example: "date_trunc(now(), \"days\")",
    },
    "E0267": "bad strftime format" {
        explanation: "A literal format of `format_time` or `parse_time` is checked when the \
            program compiles: each `%` directive (with its optional flags `_ - 0 ^ #`, width, \
            `.precision` and colons) must be one jiff supports (see the list in the \
            language reference), and `parse_time` also needs directives that can be read \
            back (not `%c`, `%q`, `%r`, `%X`, `%x` or `%Z`). The error points at the \
            directive. Write `%%` for a literal percent sign.",
        example: "format_time(now(), \"%Y-%K\")",
    },
    "E0301": "no matching overload" {
        explanation: "No definition of the function accepts these arguments: none has this \
            number of parameters, or some argument has a type that neither equals nor \
            widens losslessly to the parameter's. The error lists every candidate and why \
            it failed; convert the argument or call another function.",
        example: "fn shout(s: string) -> string = s + \"!\";\nshout(42)",
    },
    "E0302": "ambiguous call" {
        explanation: "Several overloads accept the arguments and none ranks better than \
            every other for all of them (an exact type beats a literal at its default type, \
            which beats a literal adapted to another type, which beats a widening). Make the \
            call specific: give the literal a suffix (`1u8`) or convert the argument \
            (`i32(x)`).",
        example: "fn g(x: i32) -> i32 = 1;\nfn g(x: u8) -> i32 = 2;\ng(1)",
    },
    "E0303": "wrong number of arguments" {
        explanation: "A call passes a number of arguments that no function of that name \
            takes. The message says how many it takes; a function defined with `fn` is \
            shown where it is defined. `if` takes exactly three arguments, `if(cond, then, \
            else)`; `switch` takes condition/value pairs and a default, `switch(c1, v1, c2, \
            v2, ..., default)`: an odd number of at least three. Add the missing arguments \
            or remove the extra ones.",
        example: "fn area(w: f64, h: f64) -> f64 = w * h;\narea(3.0)",
    },
    "E0401": "function defined twice" {
        explanation: "Two `fn` definitions have the same name and the same parameter types, \
            so no call could tell them apart. Rename one, or give it different parameter \
            types to make it an overload.",
        example: "fn f(x: i64) -> i64 = x;\nfn f(y: i64) -> i64 = y + 1;\nf(1)",
    },
    "E0402": "recursive function needs a return type" {
        explanation: "A function's return type may be left out only when it can be \
            inferred from the body, and a function that calls itself (directly or through \
            others) needs its own return type to type its body. Declare it: \
            `fn name(...) -> TYPE = ...`.",
        example: "fn fact(n: i64) = if(n <= 1, 1, n * fact(n - 1));\nfact(5)",
    },
    "E0403": "function body does not match its return type" {
        explanation: "The value of a function's body has a type other than the declared \
            return type, and does not widen to it losslessly. Change the declared type, or \
            convert the value (`string(x)`, `i64(x)`).",
        example: "fn label(n: i64) -> string = n;\nlabel(1)",
    },
    "E0404": "function body has no value" {
        explanation: "A function returns the value of the last statement of its body, and \
            that statement gives none (a `when`, or nothing at all). End the body with an \
            expression, such as the variable it computes.",
        example: "fn sign(x: i64) -> i64 {\n    when x > 0 { s = 1; }\n}\nsign(1)",
    },
    "E0405": "parameter declared twice" {
        explanation: "Two parameters of one function have the same name, so the body \
            could not tell them apart. Rename one.",
        example: "fn add(x: i64, x: i64) -> i64 = x + x;\nadd(1, 2)",
    },
    "E0406": "function conflicts with a built-in (no longer reported)" {
        explanation: "Before language v1, a `fn` with the name and parameter types of a \
            built-in function was refused with this code. Since v1 such a function replaces \
            the built-in in its program, with warning W0003 naming what it replaces, so \
            adding a built-in never breaks a program. Kiln no longer reports E0406; the \
            code stays registered so that old reports can still be explained.",
        example: "",
    },
    "E0407": "input declared twice" {
        explanation: "Two `param` declarations have the same name; an input can be given \
            only one value. Remove one declaration or rename it.",
        example: "param rate: f64;\nparam rate: f64;\nrate",
    },
    "E0408": "invalid output of a program set" {
        explanation: "A program set (`Engine::compile_set` in the library API) compiles \
            named expressions over a shared source. Each expression must be exactly one \
            expression: not empty, no `;`, no `let`, `fn`, `param`, assignment or `when` \
            (put those in the shared source), and each name may be given only once. Only \
            a program embedding Kiln can make a set, so no program text reports this.",
        example: "",
    },
    "E0409": "REPL redefinition changes the return type of a called function" {
        explanation: "In the REPL a function is late bound: redefining it with the same \
            parameter types replaces it for every caller, functions of earlier inputs \
            included. Those callers were compiled for the old return type, so a \
            redefinition that changes the return type is refused while earlier session \
            functions call it; the note names them. Redefine those callers in the same \
            input too, or give the new function another name. For example, after \
            `fn a() -> i64 = 1` and `fn b() -> i64 = a() + 1`, the input \
            `fn a() -> string = \"ten\"` is refused (`b` calls `a`). Only the REPL \
            reports it: a file may not define a function twice (E0401).",
        example: "",
    },
    "E0501": "division by a constant zero" {
        explanation: "The divisor of an integer `/` or `%` is zero once literal arithmetic \
            is folded, so the division would fail every time it runs. Fix the divisor. \
            (Float division by zero is allowed: it gives `inf` or `NaN`.)",
        example: "let per_day = 100 / (7 - 7);",
    },
    "E0601": "division by zero" {
        explanation: "At run time, an integer `/` or `%` had a zero divisor. Integer \
            division by zero has no value, so the program stops here, after any output it \
            already printed. Check the divisor first, e.g. `if(d == 0, 0, n / d)`.",
        example: "fn per(total: i64, count: i64) -> i64 = total / count;\nper(10, 0)",
    },
    "E0602": "division overflow" {
        explanation: "At run time, the smallest value of a signed integer type was divided \
            by -1 (`-9223372036854775808 / -1` for i64): the quotient does not fit the type. \
            (The remainder `MIN % -1` is 0 and does not fail.) Widen the operands or check \
            for this case.",
        example: "fn div(a: i64, b: i64) -> i64 = a / b;\ndiv(-9223372036854775808, -1)",
    },
    "E0603": "index out of bounds" {
        explanation: "At run time, `xs[i]` was evaluated with `i` negative or not less than \
            the list's length. Indices start at 0; check `i < len(xs)` first.",
        example: "let xs = [10, 20, 30];\nxs[3]",
    },
    "E0604": "string does not parse" {
        explanation: "At run time, a conversion from string to a number (`i64(s)`, \
            `f64(s)`, ...) was given text that is not a number of that type, or is out of \
            its range. Exactly what Rust's `str::parse` accepts is accepted: no spaces, no \
            `_`, no suffix.",
        example: "i64(\"4x2\")",
    },
    "E0605": "inputs do not match the program's params" {
        explanation: "A host called a compiled program through the library API with input \
            values that do not match its `param` declarations in number or type. The \
            command line checks `--param` values itself, so only a program embedding Kiln \
            can see this; pass one value of the declared type per `param`, in order. The \
            same code reports a run of a program whose host functions take a host value \
            (`register_with_host`) without one, or with a value of another type: pass the \
            value they were registered for to `run_with`.",
        example: "",
    },
    "E0606": "stack overflow" {
        explanation: "At run time, function calls nested deeper than the stack allows, \
            usually because a recursive function never reaches its base case. Check that \
            every recursive call moves toward a case that returns without recursing. How \
            deep is too deep depends on the thread's stack and on frame sizes, so on the \
            optimisation level (at -O2 a self tail call may even become a loop); `kiln \
            run` allows a few hundred thousand levels at least.",
        example: "fn down(n: i64) -> i64 = down(n + 1) + 1;\ndown(0)",
    },
    "E0607": "list lengths differ" {
        explanation: "At run time, an element-wise operator (`xs + ys`, `xs < ys`, ...), \
            `filter(xs, mask)` or `zip_with(xs, ys, ...)` was given two lists of different \
            lengths. Element-wise \
            operations pair the elements by index, so both lists need the same length; \
            `slice` one of them, or combine a list with a single value (`xs * 2`).",
        example: "[1, 2, 3] + [10, 20]",
    },
    "E0608": "empty list" {
        explanation: "At run time, `min`, `max`, `first` or `last` was given an empty \
            list, which has no such element. Check `len(xs) > 0` first, or use a function \
            that has a value for `[]` (`sum` is 0, `avg` and `median` are NaN).",
        example: "let xs: [i64] = [];\nmax(xs)",
    },
    "E0609": "result too large" {
        explanation: "At run time, an operation would have built one string or list of more \
            than 1 GiB (2^30 bytes): string `+`, `concat`, `repeat`, `join`, `replace`, \
            `upper`/`lower`, `split`, `to_string`, a list literal, an element-wise operation, \
            `filter`, `sort`, `unique` or `reverse`. Every operation that builds a value \
            stops at this size, whatever the run's memory limit (E0616 bounds the run's \
            total). Check sizes before building, e.g. `n` before `repeat(s, n)`, or build \
            smaller values.",
        example: "repeat(\"abc\", 1000000000)",
    },
    "E0610": "host function failed" {
        explanation: "At run time, a host function (a Rust function the embedding program \
            registered through the library API) returned an error or panicked. The message \
            names the function and what it reported; the label points at the call (for a \
            pure function, at its first call in the program). The program stays usable: fix \
            the inputs the host function rejected, or the host function itself. The command \
            line registers no host functions, so only a program embedding Kiln can see this.",
        example: "",
    },
    "E0611": "run interrupted" {
        explanation: "The run was stopped from outside before it finished: `--timeout` \
            expired, the host cancelled it through an `Interrupt` or a deadline, or Ctrl-C \
            was pressed in the REPL while the line ran. \
            Generated code checks for an interrupt in every loop (once per chunk of \
            iterations) and on entry to every recursive function, so the label points at \
            the loop or function that noticed it. Output printed before stays printed, and \
            the program can be run again (a REPL session keeps its earlier definitions). Raise the timeout, or make the program do less \
            work.",
        example: "",
    },
    "E0612": "unwrap of none" {
        explanation: "At run time, `unwrap(x)` was given a `none`. `unwrap` asserts that an optional holds a value; the error points at the argument. Decide what `none` means instead: `x ?? default`, or test it first with `is_some(x)`.",
        example: "let x: i64? = none;
unwrap(x)",
    },
    "E0613": "zero range step" {
        explanation: "At run time, `range(start, end, step)` was given a step of zero, so \
            it would never reach `end`. The step is how far apart consecutive elements \
            are: use a positive step to count up, a negative one to count down \
            (`range(10, 0, -1)`), or `range(start, end)` for a step of 1.",
        example: "fn ticks(step: i64) -> [i64] = range(0, 10, step);\nticks(0)",
    },
    "E0614": "invalid regular expression at run time" {
        explanation: "At run time, a computed pattern (one built by the program, not \
            written as a literal) did not compile with the regex crate's syntax; the \
            message names the pattern and the crate's reason, and the error points at the \
            pattern argument. Literal patterns are checked when the program compiles \
            (E0255). Fix how the pattern is built; to match text literally, escape its \
            punctuation with a backslash.",
        example: "fn has(s: string, word: string) -> bool = matches(s, \"(\" + word);\nhas(\"a word\", \"word\")",
    },
    "E0615": "clamp bounds out of order" {
        explanation: "At run time, `clamp(x, lo, hi)` was called with `lo` greater than \
            `hi`, or with a NaN bound, so no value lies between the bounds. Pass the \
            smaller bound first: `clamp(x, min(a, b), max(a, b))`.",
        example: "fn limit(x: i64, lo: i64, hi: i64) -> i64 = clamp(x, lo, hi);\nlimit(5, 10, 1)",
    },
    "E0616": "memory limit exceeded" {
        explanation: "At run time, the strings and lists a run built would have taken more \
            memory than the run may use (4 GiB unless set otherwise with `--max-memory` \
            or the engine's `max_memory` option). The run stops instead of exhausting the \
            machine. Build smaller intermediate lists, or raise the limit.",
        example: "",
    },
    "E0617": "integer overflow" {
        explanation: "At run time, in overflow-trap mode (`--overflow trap`, or the \
            engine's `overflow` option), an integer `+`, `-`, `*` or unary `-` gave a result \
            that does not fit its type. By default these operations wrap around instead. \
            Widen the operands (`i64(x) * y`) or check the range first.",
        example: "",
    },
    "E0618": "bad format string" {
        explanation: "At run time, `format` was given a computed format string (not a \
            literal, so it could not be checked when the program compiled) that does not \
            parse or does not fit the arguments: an unbalanced brace, a malformed spec, \
            a placeholder count different from the argument count, or a spec that does \
            not fit an argument's type (see E0250 to E0254). Fix the text, or write the \
            format string as a literal so the compiler checks it.",
        example: "fn show(f: string) -> string = format(f, 2.5);\nshow(\"{:x}\")",
    },
    // ---- the time library (issue 15) ----
    "E0619": "unknown time zone at run time" {
        explanation: "At run time, a computed zone argument of a time function (`hour(ts, \
            zone)`, `format_time`, `parse_time`, `date_trunc`) was not \"UTC\"/\"Z\", a \
            fixed offset `+HH:MM`/`-HH:MM`, nor a name in the system's time zone database; \
            the message names it. Check the value (a literal zone is checked when the \
            program compiles, E0265), or make sure the machine has its zone database \
            (the tzdata package).",
        example: "fn local_hour(zone: string) -> i64 = hour(now(), zone);\nlocal_hour(\"Mars/Olympus\")",
    },
    "E0620": "not a character" {
        explanation: "At run time, `char_code(s)` was given a string that is not exactly \
            one character (a character is a Unicode scalar value), or `from_char_code(n)` \
            a number that is no character's code: negative, a surrogate (0xD800 to 0xDFFF) \
            or above 0x10FFFF. The error points at the argument. Check the length first \
            (`len(s) == 1`), take the characters one by one with `chars(s)`, or check the \
            range of `n`.",
        example: "fn code(s: string) -> i64 = char_code(s);\ncode(\"\")",
    },
    "E0621": "time out of range" {
        explanation: "At run time, a timestamp or duration left the range it holds: both \
            are i64 nanoseconds, so timestamps run from 1677-09-21 to 2262-04-11 and \
            durations about 292 years either way. Time arithmetic (`ts + d`, `ts - ts`, \
            `d * n`, `-d`) and the unit constructors (`days(n)`, `hours(n)`, ...) check every \
            result, in every overflow mode; none wraps around. Check the operands' range, \
            or work in a coarser unit with integers.",
        example: "let t = timestamp(\"2262-01-01T00:00:00Z\");\nfn later(t: timestamp, n: i64) -> timestamp = t + days(n);\nlater(t, 365)",
    },
    "E0622": "bad time unit or format at run time" {
        explanation: "At run time, a computed `date_trunc` unit was not one of \"year\", \
            \"quarter\", \"month\", \"week\", \"day\", \"hour\", \"minute\", \"second\", \
            or a computed `format_time`/`parse_time` format had a directive jiff does not \
            support; the message names the value and the directive. Literal units and \
            formats are checked when the program compiles (E0266, E0267).",
        example: "fn start(unit: string) -> string = format_time(date_trunc(now(), unit), \"%F\");\nstart(\"fortnight\")",
    },
    "E0701": "row with the wrong number of fields" {
        explanation: "`kiln map` reads CSV data: a header row naming the columns, then one \
            row per run, each with one field per column. This row has more or fewer \
            fields than the header. Add or remove fields; a field that contains a comma \
            must be quoted (`\"a, b\"`).",
        example: "prog.expr: param a: i64; a * 2\ndata.csv:\na,b\n1,2,3",
    },
    "E0702": "unterminated quoted field" {
        explanation: "A field of the CSV data starts with a quote (`\"`) that is never \
            closed, so the field would run to the end of the data. Close the field with \
            `\"`; a quote inside a quoted field is written twice (`\"\"`).",
        example: "prog.expr: param a: string; a\ndata.csv:\na\n\"open",
    },
    "E0703": "duplicate column name" {
        explanation: "Two columns of the CSV header have the same name, so a param of that \
            name could read either and the output would have two columns of one name. \
            The error points at both; give every column its own name.",
        example: "prog.expr: param a: i64; a\ndata.csv:\na,b,a\n1,2,3",
    },
    "E0704": "the data already has the result column" {
        explanation: "`kiln map` adds a column holding each row's result, named `result` \
            unless `--output-column NAME` says otherwise. The data already has a column of \
            that name, and the output would have two. Pass `--output-column` with \
            another name, or rename the data's column.",
        example: "prog.expr: param a: i64; a * 2\ndata.csv:\na,result\n1,2",
    },
    "E0705": "no column for a param" {
        explanation: "`kiln map` gives each `param` the cells of the column of the same \
            name, and the data has no column of that name. Names must match exactly \
            (case included); when a column has a similar name, the help names it. \
            Rename the column or the param.",
        example: "prog.expr: param qty: i64; qty * 2\ndata.csv:\nQty\n3",
    },
    "E0706": "cell does not parse as its param's type" {
        explanation: "A cell of a column a param reads is not a value of the param's type: \
            numbers are read as Rust's `str::parse` reads them (spaces around them \
            allowed), bools are `true` or `false`. An empty cell is `none` for an \
            optional param (`param x: f64?;`) and this error for any other: declare the \
            param optional when the data may have empty cells. The rows before it have \
            been written. Correct the cell, or declare the param with a type that holds it.",
        example: "prog.expr: param b: bool; b\ndata.csv:\nb\nmaybe",
    },
    "E0707": "cell is not valid UTF-8" {
        explanation: "A cell of a column a param reads is not valid UTF-8 text. `kiln map` \
            decodes only the columns params read (other columns pass through as bytes), \
            and those must be UTF-8. Save the data as UTF-8, or do not read that column.",
        example: "prog.expr: param s: string; len(s)\ndata.csv (the byte 0xFF is not UTF-8):\ns\n\\xFF",
    },
    "E0708": "the data has no header row" {
        explanation: "`kiln map` needs a first row naming the columns, so that params can \
            be bound to them; the data is empty. Add a header row such as `price,qty`.",
        example: "prog.expr: param a: i64; a\ndata.csv: (empty)",
    },
    "E0709": "program cannot run over CSV rows" {
        explanation: "`kiln map` binds each param to the cells of a column and writes each \
            result in a cell, so every param and the result must be a number, bool or \
            string, or an optional of one, and the program must have a result. A list param, a list result, or \
            a program ending in a statement cannot be mapped over rows; run it with \
            `kiln run` instead.",
        example: "prog.expr: param xs: [i64]; sum(xs)\ndata.csv:\nxs\n1",
    },
    "E0710": "column of the wrong type for its param" {
        explanation: "`kiln map` reads a Parquet, Arrow IPC or NDJSON file's columns with \
            the Arrow types the file gives them, and a param takes only the Arrow type of \
            its Kiln type (`i64` Int64, `f64` Float64, `string` any UTF-8 layout, \
            `timestamp` any timestamp unit...; a `T?` the same type, nulls as `none`). \
            The error names the column, its Arrow type and the param's type; the help \
            names the Kiln type that reads the column as it is. Declare the param with \
            that type (and convert in the program, e.g. `f64(n)`), or convert the column. \
            A program and its `--where` expression reading one column as two types is \
            this error too.",
        example: "prog.expr: param qty: f64; qty * 2.0\ndata.parquet: qty is an Int64 column",
    },
    "E0711": "the data file cannot be read" {
        explanation: "The data file is not what its extension (or `--input-format`) \
            says, or it is damaged: a Parquet file cut short (its footer is at the end), \
            an Arrow IPC stream or file with a corrupt message, NDJSON that is not JSON. \
            The note quotes the reader's own message. Before any row ran the status is 2; \
            when the file breaks off in the middle, the rows before have been written and \
            the status is 3. Check that the file was written completely and pass \
            `--input-format` when its extension is not its format.",
        example: "prog.expr: param a: i64; a\ndata.ndjson:\n{\"a\": 1}\n{\"a\": 2",
    },
    "E0712": "null for a param that is not optional" {
        explanation: "A column a param reads holds a null (an Arrow null, or a JSON \
            `null` or missing key) in this row, and the param is not optional, so it has \
            no value to run with. The error names the row and the column; the rows \
            before it have been written. Declare the param optional (`param x: f64?;`): \
            a null is then `none`, which `??` or `is_none` can handle.",
        example: "prog.expr: param x: f64; x * 2.0\ndata.ndjson:\n{\"x\": 1.5}\n{\"x\": null}",
    },
    "E0999": "internal compiler error" {
        explanation: "Kiln failed after your program was checked, while generating or \
            compiling code. This is a bug in Kiln, not in your program; please report it \
            with the program that caused it.",
        example: "",
    },
    "W0001": "unused binding" {
        explanation: "A `let` binding or variable is never read. It may be a leftover, or a \
            sign that another name was read where this one was meant. Remove it, or use it.",
        example: "fn area(w: i64, h: i64) -> i64 {\n    let unused = w + h;\n    w * h\n}\narea(2, 3)",
    },
    "W0002": "constant condition" {
        explanation: "A condition is a constant, so one branch always runs and the other \
            never does. Write the condition you mean, or keep only the branch that runs.",
        example: "x = 1;\nwhen true { x = 2; }\nx",
    },
    "W0003": "function replaces a built-in" {
        explanation: "A `fn` has the name and parameter types of a built-in or prelude \
            function, so it replaces that overload in this program: calls with those \
            argument types call your function (the other overloads of the name stay \
            available). Adding a built-in to Kiln thus never breaks a program that \
            defines a function of the same name. If you meant to keep the standard one, \
            rename your function.",
        example: "fn abs(x: i64) -> i64 = x;\nabs(-1)",
    },
}

/// The command that regenerates `docs/errors.md`.
pub const REGENERATE: &str = "cargo run --quiet -- explain --markdown > docs/errors.md";

/// The ranges of codes, for `kiln explain` and the docs.
pub const RANGES: &[(&str, &str)] = &[
    ("E00xx", "syntax"),
    ("E01xx", "names and scopes"),
    ("E02xx", "types"),
    ("E03xx", "calls and overloads"),
    ("E04xx", "functions and bindings"),
    ("E05xx", "constant evaluation"),
    ("E06xx", "runtime"),
    (
        "E07xx",
        "input data: CSV for `kiln map`, params, command-line input",
    ),
    ("E0999", "internal"),
    ("W00xx", "warnings"),
];

/// `text` broken into lines of at most `width` columns (longer words stay whole).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

/// What `kiln explain CODE` prints: the title, the explanation, the example.
pub fn explain(info: &CodeInfo) -> String {
    let mut out = format!(
        "{}: {}\n\n{}\n",
        info.code,
        info.title,
        wrap(info.explanation, 80)
    );
    if info.example.is_empty() {
        out.push_str("\nNo program text triggers this code, so it has no example.\n");
    } else {
        out.push_str("\nFor example:\n\n");
        for line in info.example.lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}

/// The registered codes nearest to `code` (same letter, nearest number below and
/// above), when `code` looks like a code at all.
pub fn nearest(code: &str) -> Vec<&'static CodeInfo> {
    let code = code.trim();
    let number = |c: &str| -> Option<(char, u32)> {
        let mut chars = c.chars();
        let letter = chars.next()?.to_ascii_uppercase();
        let digits = chars.as_str();
        let valid = matches!(letter, 'E' | 'W')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit());
        Some((letter, digits.parse().ok()?)).filter(|_| valid)
    };
    let Some((letter, n)) = number(code) else {
        return Vec::new();
    };
    let same: Vec<(u32, &CodeInfo)> = ALL
        .iter()
        .filter_map(|c| {
            number(c.code)
                .filter(|(l, _)| *l == letter)
                .map(|(_, m)| (m, c))
        })
        .collect();
    let below = same.iter().rev().find(|(m, _)| *m < n).map(|(_, c)| *c);
    let above = same.iter().find(|(m, _)| *m > n).map(|(_, c)| *c);
    below.into_iter().chain(above).collect()
}

/// What `kiln explain` says about a code it does not know: the nearest codes and the
/// ranges.
pub fn unknown_code_message(code: &str) -> String {
    let mut out = format!("error: `{code}` is not a Kiln diagnostic code\n");
    let near = nearest(code);
    if !near.is_empty() {
        out.push_str("  nearest codes:\n");
        for c in near {
            out.push_str(&format!("    {}  {}\n", c.code, c.title));
        }
    }
    out.push_str("  codes are grouped by range:\n");
    for (range, what) in RANGES {
        out.push_str(&format!("    {range}  {what}\n"));
    }
    out.push_str("  `kiln explain --markdown` lists every code\n");
    out
}

/// The text of `docs/errors.md`: how diagnostics look, then every code.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<!-- Generated from src/diag/codes.rs; do not edit. Regenerate with:\n     {REGENERATE}\n     (the test `docs_errors_md_is_current` fails while this file is out of date) -->\n\n"
    ));
    out.push_str(DOC_INTRO);
    out.push_str("\n## Index\n\n| code | title |\n|---|---|\n");
    for c in ALL {
        out.push_str(&format!(
            "| [{}](#{}) | {} |\n",
            c.code,
            c.code.to_ascii_lowercase(),
            c.title.replace('|', "\\|")
        ));
    }
    for (first, c) in by_range() {
        if let Some((r, what)) = first {
            out.push_str(&format!("\n## {r}: {what}\n"));
        }
        out.push_str(&format!("\n### {}\n\n**{}**\n\n", c.code, c.title));
        out.push_str(c.explanation);
        out.push('\n');
        if c.example.is_empty() {
            out.push_str("\nNo program text triggers this code, so it has no example.\n");
        } else {
            out.push_str(&format!("\n```\n{}\n```\n", c.example));
        }
    }
    out
}

/// The range a code belongs to.
/// Every code in order, with its range (`E02xx`, what it covers) at the first code of each.
fn by_range() -> impl Iterator<Item = (Option<(&'static str, &'static str)>, &'static CodeInfo)> {
    ALL.iter().enumerate().map(|(i, c)| {
        let range = range_of(c.code);
        let first = i == 0 || range_of(ALL[i - 1].code).0 != range.0;
        (first.then_some(range), c)
    })
}

fn range_of(code: &str) -> (&'static str, &'static str) {
    let (prefix, last) = (&code[..3], &code[..5]);
    RANGES
        .iter()
        .copied()
        .find(|(r, _)| *r == last)
        .or_else(|| RANGES.iter().copied().find(|(r, _)| r.starts_with(prefix)))
        .unwrap_or(("other", "other"))
}

/// The start of `docs/errors.md`: the two output formats.
const DOC_INTRO: &str = r#"# Kiln diagnostics

Every problem Kiln reports — syntax, names, types, overloads, runtime faults — is a
diagnostic with a stable code, a message, the span of source it is about (its primary
span), optional secondary spans with labels, notes and a help line. `kiln explain CODE`
prints the explanation and example of a code below (`kiln explain e0203` works too).

Diagnostics go to standard error. Warnings (`W00xx`) do not stop a program;
`--deny-warnings` turns them into errors (exit status 1).

## Human format (`--error-format human`, the default)

For `prog.expr` holding `let a: i64 = 1;`, `let b: u64 = 2;` and `a + b` on three lines,
`kiln check prog.expr` prints:

```
error[E0202]: cannot mix i64 and u64 in `+`
   ╭─[ prog.expr:3:3 ]
   │
 3 │ a + b
   │ ┬ ┬ ┬
   │ │ │ ╰── this is u64
   │ │ │
   │ │ ╰──── cannot mix i64 and u64 in `+`
   │ │
   │ ╰────── this is i64
   │
   │ note: numbers convert implicitly only where no value can be lost
   │ help: convert one side explicitly, e.g. `i64(...)` around the u64 operand
───╯
```

The header is `SEVERITY[CODE]: message` (`error` or `warning`). The next line names the
primary span as `FILE:LINE:COL` (1-based; columns count characters), then the source
excerpt with the primary label and any secondary labels, then one `note:` line per note
and the `help:` line. Diagnostics are listed in source order, separated by a blank line.
Colour is used when standard error is a terminal and the environment variable `NO_COLOR`
is unset or empty; `--color always` and `--color never` override both.

## JSON format (`--error-format json`)

One JSON object per diagnostic, one per line, on standard error, in source order. For
the program above (shown here on several lines; key order is not significant):

```json
{"code":"E0202","severity":"error","message":"cannot mix i64 and u64 in `+`",
 "spans":[
  {"file":"prog.expr","byte_start":34,"byte_end":35,"line_start":3,"column_start":3,
   "line_end":3,"column_end":4,"label":null,"is_primary":true},
  {"file":"prog.expr","byte_start":32,"byte_end":33,"line_start":3,"column_start":1,
   "line_end":3,"column_end":2,"label":"this is i64","is_primary":false},
  {"file":"prog.expr","byte_start":36,"byte_end":37,"line_start":3,"column_start":5,
   "line_end":3,"column_end":6,"label":"this is u64","is_primary":false}],
 "notes":["numbers convert implicitly only where no value can be lost"],
 "help":"convert one side explicitly, e.g. `i64(...)` around the u64 operand"}
```

| field | type | meaning |
|---|---|---|
| `code` | string | the code, e.g. `"E0203"` |
| `severity` | string | `"error"` or `"warning"` |
| `message` | string | the one-line message |
| `spans` | array | the primary span first (`is_primary: true`), then each secondary span |
| `spans[].file` | string | the file name as given (`<eval>` for `kiln eval`, `<stdin>` for piped input) |
| `spans[].byte_start`, `byte_end` | integer | the half-open byte range in the file (`byte_start == byte_end` for a point such as a missing `;`) |
| `spans[].line_start`, `column_start` | integer | 1-based line and column (in characters) of `byte_start` |
| `spans[].line_end`, `column_end` | integer | the same for `byte_end` (exclusive) |
| `spans[].label` | string or null | what the span's label says; `null` for a primary span without one |
| `spans[].is_primary` | bool | whether this is the primary span |
| `notes` | array of strings | the notes, possibly empty |
| `help` | string or null | the help line |

Problems with the data of `kiln map` (E07xx) are diagnostics too, drawn on the data
file: their spans name the CSV file, the line and column of the cell or row concerned.
Other failures — a file that cannot be read, a bad `--param` value, a bad command line —
are usage errors (exit status 2) and stay plain text in both formats.
"#;

/// The entry for `code` (case-insensitive; digits alone, `0203`, mean an error code).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    let code = code.trim();
    let digits = !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit());
    let code = if digits {
        format!("E{code}")
    } else {
        code.to_owned()
    };
    ALL.iter().find(|c| c.code.eq_ignore_ascii_case(&code))
}

/// What `kiln explain` without a code prints: every code and its title, by range.
pub fn index() -> String {
    let mut out = String::from("Kiln's diagnostic codes (`kiln explain CODE` explains one):\n");
    for (first, c) in by_range() {
        if let Some((r, what)) = first {
            out.push_str(&format!("\n{r}  {what}\n"));
        }
        out.push_str(&format!("  {}  {}\n", c.code, c.title));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        for w in ALL.windows(2) {
            assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
        }
    }

    #[test]
    fn every_code_has_an_explanation_and_an_example_unless_no_program_can_trigger_it() {
        for c in ALL {
            assert!(
                c.explanation.len() > 60,
                "{}: explanation too short",
                c.code
            );
            let no_example = [
                "E0099", "E0211", "E0406", "E0408", "E0409", "E0605", "E0610", "E0611", "E0616",
                "E0617", "E0999",
            ]
            .contains(&c.code);
            assert_eq!(c.example.is_empty(), no_example, "{}: example", c.code);
        }
    }

    /// The codes reported for `example`: compile errors, warnings, or the runtime fault.
    fn reported(example: &str) -> Vec<&'static str> {
        match crate::compile_source(example, &crate::Options::default()) {
            Err(diags) => diags.iter().map(|d| d.code).collect(),
            Ok((compiled, warnings)) => {
                let mut codes: Vec<_> = warnings.iter().map(|d| d.code).collect();
                if let Err(fault) = compiled.run(&[]) {
                    codes.push(fault.code());
                }
                codes
            }
        }
    }

    #[test]
    fn every_example_reports_its_code() {
        // E07xx examples are a program and its data (tests/map.rs runs them).
        let programs = ALL
            .iter()
            .filter(|c| !c.example.is_empty() && !c.code.starts_with("E07"));
        for c in programs {
            let codes = reported(c.example);
            if c.code.starts_with('W') && codes.is_empty() {
                // Warnings are not reported yet by the checker; once they are, the
                // example must report its own code.
                continue;
            }
            assert!(
                codes.contains(&c.code),
                "the example of {} reports {codes:?}:\n{}",
                c.code,
                c.example
            );
        }
    }

    #[test]
    fn explain_shows_the_title_explanation_and_example() {
        let text = explain(lookup("e0203").unwrap());
        assert!(
            text.starts_with("E0203: literal out of range\n\n"),
            "{text}"
        );
        assert!(
            text.contains("    let x: u8 = 200;\n    x + 300\n"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(explain(lookup("E0999").unwrap()).contains("no example"));
        assert_eq!(lookup("0203").map(|c| c.code), Some("E0203"));
        assert_eq!(lookup(" e0203 ").map(|c| c.code), Some("E0203"));
        assert!(lookup("0").is_none() && lookup("").is_none());
    }

    #[test]
    fn the_index_lists_every_code_with_its_title_under_its_range() {
        let text = index();
        for c in ALL {
            assert!(
                text.contains(&format!("  {}  {}\n", c.code, c.title)),
                "{}",
                c.code
            );
        }
        let runtime = text.find("E06xx  runtime").unwrap();
        assert!(runtime < text.find("E0601").unwrap());
        assert!(text.find("E0601").unwrap() < text.find("E07xx").unwrap());
    }

    #[test]
    fn unknown_codes_get_the_nearest_codes_and_the_ranges() {
        let near: Vec<&str> = nearest("e0210").iter().map(|c| c.code).collect();
        assert_eq!(near, ["E0209", "E0211"]);
        let near: Vec<&str> = nearest("e0000").iter().map(|c| c.code).collect();
        assert_eq!(near, ["E0001"]);
        let near: Vec<&str> = nearest("W9").iter().map(|c| c.code).collect();
        assert_eq!(near, ["W0003"]);
        assert!(nearest("hello").is_empty());
        assert!(nearest("").is_empty());
        assert!(nearest("É1").is_empty());
        let message = unknown_code_message("e0210");
        assert!(
            message.contains("E0209") && message.contains("E0211"),
            "{message}"
        );
        assert!(message.contains("E02xx  types"), "{message}");
        assert!(unknown_code_message("x").contains("E06xx  runtime"));
    }

    #[test]
    fn docs_errors_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let generated = markdown();
        for c in ALL {
            assert!(
                generated.contains(&format!("\n### {}\n", c.code)),
                "{}",
                c.code
            );
        }
        assert!(
            committed == generated,
            "docs/errors.md is not what src/diag/codes.rs generates; regenerate it with\n    {REGENERATE}"
        );
    }

    #[test]
    fn every_code_the_compiler_uses_is_registered() {
        // Scan the sources for code literals.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in text.match_indices("\"E0").chain(text.match_indices("\"W0")) {
                        let code = &text[i + 1..(i + 6).min(text.len())];
                        if code.len() == 5
                            && code[1..].bytes().all(|b| b.is_ascii_digit())
                            && lookup(code).is_none()
                        {
                            missing.push(format!("{code} in {}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "unregistered codes: {missing:?}");
    }
}
